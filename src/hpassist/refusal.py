"""The refusal gate: the program, not the model, decides whether the evidence can answer the question.

Three checks, calibrated on the seed evaluation set (evals/facts.yaml) and checked on the Bắc Ninh one:
1. Vocabulary: a question about something no indexed document mentions at all (a glossary concept such
   as "tax" or "Đà Nẵng", or a capitalised name; with no topic but the place, its own key words: "rain")
   is refused outright.
2. Support: the best relevant sentences (close to the question and sharing at least a third of its
   topical concepts) must together name every entity the question names and, for "how much / how
   many" questions, state a figure, in one sentence about an entity the question names when it names
   one (in the sentence or its document's opening); a question that asks for a kind of figure (a price,
   a rate, an area: data/asked_figures.tsv) needs one in a fitting unit (units.tsv).
3. Period: a question that names a year ("the 2026 minimum wage", "còn năm 2024?") needs a relevant
   sentence, or one naming what it asks about, that is about that year (the year it writes, else its
   title's, else its document's date); a figure of another year is no answer to it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .conflicts import counted, local_figures, of_the_whole_asked
from .domain import (
    Concept,
    continues,
    lower_text,
    measures_named,
    shares_measure,
    stated_in,
    vocabulary,
    weight,
)
from .index import Index
from .query import Query
from .schema import Evidence
from .settings import Settings
from .text import (
    dates,
    figures,
    fits,
    fold,
    has_name,
    is_vietnamese_syllable,
    sound_key,
    years,
)

_FIGURE = re.compile(r"\d")
_OPENING = weight("refusal", "opening")
_HANGUL_END = re.compile(r"[\uac00-\ud7a3]$")
_KEY_WORDS_MIN = weight("refusal", "key_words_min")
_KEY_WORDS_SHARE = weight("refusal", "key_words_share")


@dataclass
class GateDecision:
    answerable: bool
    support: list[Evidence] = field(default_factory=list)  # supporting sentences, best first
    reason: str = ""


class Lexicon:
    """What the indexed corpus mentions at all (rebuilt when the index changes)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._key: str | None = None
        self._lowered = ""
        self._folded = ""
        self._words: frozenset[str] = frozenset()
        self._folded_words: frozenset[str] = frozenset()
        self._concepts: dict[str, bool] = {}
        self._names: dict[str, bool] = {}

    def _refresh(self) -> None:
        """Normalise the corpus text and collect its words once per index revision: checking a concept or a
        name then scans the text only when every word of it occurs somewhere."""
        key = self.index.revision()
        if key != self._key:
            text = "\n".join(f"{c.title}\n{c.text}" for c in self.index.chunks())
            self._lowered = lower_text(text)
            self._words = vocabulary(self._lowered)
            self._folded = fold(text)
            self._folded_words = vocabulary(self._folded)
            self._concepts = {}
            self._names = {}
            self._key = key

    def mentions(self, concept: Concept) -> bool:
        self._refresh()
        name = concept.english[0]
        if name not in self._concepts:
            self._concepts[name] = concept.found_in_lowered(self._lowered, self._words)
        return self._concepts[name]

    def has_word(self, word: str) -> bool:
        """Whether some document has this folded word."""
        self._refresh()
        return word in self._folded_words

    def names(self, name: str) -> bool:
        self._refresh()
        if name not in self._names:
            words = vocabulary(fold(name))
            # every word of it in the corpus, or a name long enough to be looked for in Hangul too
            self._names[name] = bool(words <= self._folded_words or sound_key(name)) and has_name(self._folded, name)
        return self._names[name]


class RefusalGate:
    """Decides answer or refuse from the question and the ranked evidence."""

    def __init__(self, settings: Settings, index: Index) -> None:
        self.settings = settings
        self.index = index
        self.lexicon = Lexicon(index)

    def unknown(self, query: Query) -> list[str]:
        """Concepts and multi-word names of the question that no document mentions."""
        missing = [c.english[0] for c in query.all_concepts if not self.lexicon.mentions(c)]
        return missing + [n for n in _strict_names(query) if not self.lexicon.names(n)]

    def close(self, query: Query, ev: Evidence) -> bool:
        """Close enough to the question: `min_similarity`, or `min_similarity_named` for a sentence that (with
        the one it continues) names a name the question gives, as written or in Hangul: the name says what
        the sentence is about where another language lowers its similarity."""
        if ev.similarity >= self.settings.min_similarity:
            return True
        if ev.similarity < self.settings.min_similarity_named:
            return False
        context = fold(_in_context(ev))
        return any(has_name(context, n) for n in query.names)

    def relevant(self, query: Query, ev: Evidence) -> bool:
        """Close to the question and about its topics (or naming what it asks about)."""
        names = _strict_names(query)
        context = _in_context(ev)
        if not query.concepts and not names:
            # No glossary topic or name to check: the question's own key words are checked instead, and a
            # sentence holding too few of them must be closer.
            # (Words, not Vietnamese syllables: "hướng", "dẫn", "hệ", "thống" are in every Vietnamese text.)
            words = [t for t in query.key_terms if not is_vietnamese_syllable(t)]
            checked = _key_words_held(words, context) >= max(_KEY_WORDS_MIN, math.ceil(len(words) * _KEY_WORDS_SHARE))
            floor = self.settings.min_similarity if checked else self.settings.min_similarity_unchecked
            return ev.similarity >= floor
        if not self.close(query, ev):
            return False
        topics = [c for c in query.concepts if not c.entity]
        if topics:
            # About its topics, or naming what it names and the measure it asks in other words: "… lifting the
            # facility's registered capital to 565.7 million USD" after "The Que Vo plant belongs to Goertek
            # Vina." is about raising Goertek Vina's investment, though no word of "investment" is in it.
            held = sum(c.found_in(context) for c in topics) >= math.ceil(len(topics) / 3)
            return held or bool(names) and _names_any(query, context, names) and shares_measure(query.text, context)
        if not _names_any(query, context, names) and _names_any(query, ev.sentence.title, names):
            # What it asks about is named by the title only ("GRDP năm 2025 của Bắc Ninh …" above "Tổng kim
            # ngạch xuất nhập khẩu ước đạt 182 tỷ USD"): the question's own words must then be the sentence's.
            own = (*query.key_terms, *query.korean_terms)
            return _key_words_held(own, context) >= max(_KEY_WORDS_MIN, math.ceil(len(own) * _KEY_WORDS_SHARE))
        return _names_any(query, context, names)

    def decide(self, query: Query, ranked: list[Evidence]) -> GateDecision:
        """Answer when the best relevant sentences together name every entity asked about (and state
        a figure when one is asked for); otherwise refuse, saying why."""
        missing = self.unknown(query)
        if missing:
            return GateDecision(False, [], f"no document mentions {', '.join(missing)}")
        # With no topic but the place, the question's own words are its topic: "Will it rain in Bac Ninh
        # tomorrow?" is about rain, which no document mentions, not about Bac Ninh.
        topics = [c for c in query.concepts if not c.entity]
        if query.key_terms and not topics and not query.names and not any(map(self.lexicon.has_word, query.key_terms)):
            return GateDecision(False, [], f"no document mentions {' or '.join(query.key_terms)}")
        relevant = [ev for ev in ranked if self.relevant(query, ev)]
        top = relevant[: self.settings.evidence_sentences + 1]
        if not top:
            best = ranked[0].similarity if ranked else 0.0
            return GateDecision(False, [], f"no sentence is about the question (best similarity {best:.2f})")
        if query.asks_quantity and not any(_FIGURE.search(ev.sentence.text) for ev in top):
            return GateDecision(False, [], "no relevant sentence states a figure")
        # A kind of figure asked for is of what the question asks about: half its topics, in the sentence that
        # states it (a tax relief rate is not the parks' occupancy rate, though both are percent of the parks).
        if query.asks_units and not any(
            _states_unit(ev.sentence.text, query.asks_units) and sum(c.found_in(_in_context(ev)) for c in topics) >= len(topics) / 2
            for ev in top
        ):
            of_what = f" about {', '.join(c.english[0] for c in topics)}" if topics else ""
            return GateDecision(False, [], f"no relevant sentence states a figure in {' / '.join(query.asks_units)}{of_what}")
        strict = _strict_names(query)
        if query.asks_units and strict and not any(
            _states_unit(ev.sentence.text, query.asks_units)
            and all(has_name(fold(f"{ev.sentence.title}\n{_in_context(ev)}"), n) for n in strict)
            for ev in ranked
            if self.close(query, ev)
        ):  # the occupancy of "Thuận Thành III", not a figure beside its hectares or another park's rate
            return GateDecision(False, [], f"no relevant sentence states a figure in {' / '.join(query.asks_units)} about {', '.join(strict)}")
        if query.years:
            # Sentences that name what is asked about count too: "The Que Vo plant belongs to Goertek Vina"
            # (2022) is of the period, though it does not say "investment".
            naming = [
                ev
                for ev in ranked
                if ev not in relevant and self.close(query, ev)
                and _names_any(query, _in_context(ev), query.names)
            ]
            dated = [ev for ev in relevant + naming if _of_period(ev, query)]
            if not dated:
                return GateDecision(False, [], f"no relevant sentence is about {', '.join(query.years)}")
            # The answer keeps its best sentences in their order, less those that write only other years.
            relevant = [ev for ev in relevant if not _of_other_years(ev, query)] or dated
            top = relevant[: self.settings.evidence_sentences + 1]
            period = [ev for ev in dated if ev in naming][:2]  # the period's sentences that name the subject
        else:
            period = []
        # A figure of what the question names, not a neighbour's: "and Japan?" after Korea's total needs a
        # close sentence that states a figure about Japan, not Korea's figure beside a list naming Japan.
        named = [c for c in query.concepts if c.entity]
        # (The document's opening counts: "the report on the Chungbuk delegation" names it, not each sentence.)
        documents = self.index.document_texts() if named or query.names else {}
        counts = counted(query)
        # Of a company or a country in a place, the figure is the company's: the place is where, not whose. A
        # name the glossary does not know ("Canon") is such a holder too, when some document names it.
        holders = [n for n in query.names if self.lexicon.names(n)]
        measures = {m.measure for m in measures_named(query.text)}  # "invested": a sum, not its staff
        subjects = [c for c in named if c.kind != "place"] or ([] if holders else named)

        def states_figure(text: str) -> bool:
            """A figure of the kind asked, of the whole asked about: not a phase, not another place's ("across
            Vietnam …")."""
            own = of_the_whole_asked(query, text)
            if query.asks_units:
                return _states_unit(own, query.asks_units)
            if counts:
                return _counts(own, counts)
            if measures:
                return _states_measure(own, measures)
            return bool(_FIGURE.search(_without_dates(own)))

        def opening_and_context(ev: Evidence) -> str:
            return f"{documents.get(ev.sentence.source, '')[:_OPENING]}\n{_in_context(ev)}"

        def holds(ev: Evidence) -> bool:
            """The sentence, its context or its document's opening names a company the question names."""
            return any(has_name(fold(opening_and_context(ev)), n) for n in holders)

        def names_whose(ev: Evidence) -> bool:
            """The sentence, its context or its document's opening names whose figure is asked for."""
            return any(c.found_in(opening_and_context(ev)) for c in subjects) or holds(ev)

        about = [
            ev
            for ev in ranked
            if self.close(query, ev) and states_figure(ev.sentence.text) and names_whose(ev)
        ]
        if query.asks_quantity and (named or holders) and not about:
            whose = [c.english[0] for c in named if c in subjects] + holders or [c.english[0] for c in named]
            return GateDecision(False, [], f"no relevant sentence states a figure about {', '.join(whose)}")
        joined = " ".join(_in_context(ev) for ev in top + period)
        unnamed = [c.english[0] for c in query.concepts if c.entity and not c.found_in(joined)]
        unnamed += [n for n in _strict_names(query) if not has_name(fold(joined), n)]
        if unnamed:
            return GateDecision(False, [], f"the relevant sentences do not name {', '.join(unnamed)}")
        if holders:  # of a company's figures, the sentences about that company first, the province's after
            relevant = sorted(relevant, key=lambda ev: not holds(ev))
        return GateDecision(True, relevant, f"{len(relevant)} relevant sentence(s)")


def _key_words_held(terms: Sequence[str], text: str) -> int:
    """How many of the question's key words the text holds, as words or word forms ("firm" holds "firms",
    "seminars" holds "seminar"; one form a prefix of the other, both at least 4 letters; a Korean word, its
    particles stripped, as the start of a word: "앰코" holds "앰코는")."""
    held = set(fold(text).split()) | set(re.findall(r"\w+", fold(text)))
    return sum(
        any(
            w == t
            or (min(len(w), len(t)) >= 4 and (w.startswith(t) or t.startswith(w)))
            or (_HANGUL_END.search(t) is not None and w.startswith(t))
            for w in held
        )
        for t in map(fold, terms)
    )


def _names_any(query: Query, context: str, names: Sequence[str]) -> bool:
    """Whether the text names a country or organisation the question names, or one of `names`."""
    return any(c.found_in(context) for c in query.concepts if c.entity) or any(has_name(fold(context), n) for n in names)


def _of_period(ev: Evidence, query: Query) -> bool:
    """Whether the sentence is about a year the question names: the years it (or the sentence it
    continues) writes, else its title's, else its source's date (a January report on last year writes
    the year); for "how much" questions it also states a figure besides the year itself."""
    if query.asks_quantity and not _FIGURE.search(_without_dates(ev.sentence.text)):
        return False
    about = years(_in_context(ev)) or years(ev.sentence.title)[:1] or [(ev.sentence.date or "")[:4]]
    return bool(set(about) & set(query.years))


def _of_other_years(ev: Evidence, query: Query) -> bool:
    """Whether the sentence (or the one it continues) writes years, none of them one the question asks about."""
    written = years(_in_context(ev))
    return bool(written) and not set(written) & set(query.years)


def _without_dates(text: str) -> str:
    """The text with its dates and years blanked: "Ngày 23/4/2024" states no figure."""
    for written, at in reversed(dates(text)):
        text = text[:at] + " " * len(written) + text[at + len(written) :]
    return text


def _counts(text: str, units: set[str]) -> bool:
    """Whether the text states a count of one of those things ("960 projects", "39 quốc gia")."""
    return any(f.unit in units for national in (False, True) for f in local_figures(text, national))


def _states_measure(text: str, measures: set[str]) -> bool:
    """Whether the text states a figure in a unit one of the measures can have (an investment: a sum of
    money or a count of projects, not "5,400 staff")."""
    return any(f.unit and any(stated_in(m, f.unit) for m in measures) for f in figures(text))


def _states_unit(text: str, units: tuple[str, ...]) -> bool:
    """Whether the text states a figure in one of the units (a rate counts for its currency: USD/m2)."""
    return any(fits(f.unit, units) for f in figures(text))


def _in_context(ev: Evidence) -> str:
    """The sentence, preceded by the one before it when it names its subject only through it ("Đặc biệt,
    đây cũng là …" after a sentence about Chungbuk): who or what it is about."""
    return f"{ev.sentence.before} {ev.sentence.text}" if continues(ev.sentence.text) else ev.sentence.text


def _strict_names(query: Query) -> list[str]:
    """Names precise enough to require: several words ('Lee Kyung Hee'); a single capitalised word is
    often a common noun in an English title ('Embassy') and is only used for ranking."""
    return [n for n in query.names if " " in n]
