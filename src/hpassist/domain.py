"""The domain pack: what HP Assist knows about its domain, as data in `hpassist/data/`, each file loaded once.

The glossary (one idea in English, Vietnamese and Korean), stop words, person titles and words that are no
names live here; the other data files (units, periods, part openers, question words, restate templates) are
read through `lines()` by the step that uses them; the hand-set weights of the answer path, each with a note
of what it does and on which data it was chosen, are in data/weights.toml (`weight()`).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .text import currencies, fold, whole_word

_WORD = re.compile(r"\w+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")

# What every document is about: no topic to offer, no name to state.
EVERYWHERE = frozenset({"Hai Phong", "Vietnam"})


def lines(name: str) -> list[str]:
    """The lines of data file `name` that say something: not blank, not a '#' comment (right side kept as is)."""
    text = resources.files("hpassist").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _weights() -> dict[str, dict[str, int | float]]:
    return tomllib.loads(resources.files("hpassist").joinpath("data/weights.toml").read_text(encoding="utf-8"))


def weight(step: str, name: str) -> int | float:
    """A hand-set weight or threshold of one step of the answer path (data/weights.toml says why)."""
    return _weights()[step][name]


def lower_text(text: str) -> str:
    """Lower-cased, NFC, no-break spaces as spaces ("phụ tùng\xa0ô tô"): how glossary terms are matched."""
    return unicodedata.normalize("NFC", text.lower()).replace("\xa0", " ")


def vocabulary(lowered: str) -> frozenset[str]:
    """The words of a `lower_text` text, for `Concept.found_in_lowered`."""
    return frozenset(_WORD.findall(lowered))


def _contains(text: str, term: str) -> bool:
    """Whether `term` occurs in `text` as whole words (Korean: anywhere, as particles attach to it). The plain
    substring test first rules out most absent terms at a fraction of the regex's cost on a long text."""
    if _HANGUL.search(term):  # Korean news writes compounds with or without spaces: 외국인 투자, 외국인투자
        return term in text or (" " in term and term.replace(" ", "") in text)
    return term in text and re.search(whole_word(term), text) is not None


@dataclass(frozen=True)
class Concept:
    """A glossary line: one idea in English, Vietnamese and Korean."""

    english: tuple[str, ...]
    vietnamese: tuple[str, ...]
    korean: tuple[str, ...]
    entity: bool = False  # a country, place, organisation or company, which the answer must name
    kind: str = ""  # an entity's kind: "country", "place" or "organisation"

    @property
    def terms(self) -> tuple[str, ...]:
        """All synonyms, lower-cased (diacritics kept: folded Vietnamese confuses lương and lượng)."""
        return tuple(t.lower() for t in (*self.english, *self.vietnamese, *self.korean))

    def found_in(self, text: str, loose: bool = False) -> bool:
        """Whether a synonym occurs in `text`; `loose` also accepts Vietnamese typed without diacritics."""
        if self.found_in_lowered(lower_text(text)):
            return True
        return loose and any(_contains(fold(text), fold(t)) for t in self.vietnamese)

    def found_in_lowered(self, lowered: str, vocabulary: frozenset[str] | None = None) -> bool:
        """`found_in` for text already passed through `lower_text`. With `vocabulary` (the set of its words), a
        term with a word the text lacks is ruled out without scanning it: a whole corpus is long."""
        return any(
            (vocabulary is None or _HANGUL.search(t) or all(w in vocabulary for w in _WORD.findall(t)))
            and _contains(lowered, t)
            for t in self.terms
        )


@dataclass(frozen=True)
class Measure:
    """A word naming what a figure measures, where it stands in a text: "xuất khẩu" (exports), "매출" (revenue)."""

    measure: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _measures() -> tuple[re.Pattern[str], dict[str, str], dict[str, tuple[str, ...]]]:
    """data/measures.tsv: one pattern over every spelling (longest first, so the longest wins where two
    overlap), the measure each spelling names, and the units each measure can be stated in (in the file's order)."""
    by_word: dict[str, str] = {}
    units: dict[str, tuple[str, ...]] = {}
    for line in lines("measures.tsv"):
        measure, stated_in, spellings = line.split("\t")
        units[measure] = tuple(u.strip() for u in stated_in.split(","))
        for word in filter(None, (w.strip().lower() for w in spellings.split("|"))):
            by_word.setdefault(word, measure)
    pattern = re.compile("|".join(whole_word(w) for w in sorted(by_word, key=len, reverse=True)), re.IGNORECASE)
    return pattern, by_word, units


def shares_measure(a: str, b: str) -> bool:
    """Whether two texts name a measure in common ("raise the investment" and "registered capital")."""
    return bool({m.measure for m in measures_named(a)} & {m.measure for m in measures_named(b)})


@lru_cache(maxsize=4096)
def measures_named(text: str) -> tuple[Measure, ...]:
    """Every word of `text` that names a measure (data/measures.tsv), in order; cached, as each figure of an
    evidence sentence asks again on the answer's path."""
    pattern, by_word, _ = _measures()
    return tuple(Measure(by_word[m.group(0).lower()], m.start(), m.end()) for m in pattern.finditer(text))


_CLAUSE_END = re.compile(r"[;,](?!\d)")  # a decimal comma ("15,4 tỷ") ends nothing


def measure_at(text: str, at: int, after: bool = True, sentence: bool = False) -> str | None:
    """What the figure at position `at` of `text` measures: the nearest measure word before it in its clause,
    else (with `after`) the first after it there; None when its clause names none (or `at` is not in the text).
    With `sentence`, a clause that names none falls back to the whole text's nearest measure word before the
    figure, else the first after ("Nếu chỉ tính vốn cấp mới …, Bắc Ninh đứng thứ nhất với gần 4,84 tỷ USD")."""
    found = None
    if at >= 0:
        start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, at)), default=0)
        end = next((m.start() for m in _CLAUSE_END.finditer(text, at)), len(text))
        named = [m for m in measures_named(text) if m.start >= start and m.end <= end]
        before = [m.measure for m in named if m.end <= at]
        following = [m.measure for m in named if m.start >= at] if after else []
        found = before[-1] if before else following[0] if following else None
    if found or not sentence:
        return found
    named = measures_named(text)
    return next((m.measure for m in reversed(named) if m.end <= at), None) or next((m.measure for m in named if m.start >= at), None)


def default_measure() -> str:
    """What a figure measures when nothing names it: data/measures.tsv's first measure."""
    return next(iter(_measures()[2]))


def reported_in(measure: str) -> str | None:
    """The currency sums of `measure` are reported in: the first one data/measures.tsv lists for it."""
    return next((u for u in _measures()[2].get(measure, ()) if u in currencies()), None)


def stated_in(measure: str, unit: str) -> bool:
    """Whether a figure of `measure` can be stated in `unit` ("USD/m2" counts as USD): exports are never km²."""
    allowed = _measures()[2].get(measure, ("*",))
    return "*" in allowed or unit.split("/")[0] in allowed


@lru_cache(maxsize=1)
def glossary() -> tuple[Concept, ...]:
    """data/glossary.tsv: `english | … ; vietnamese | … ; korean | …` per line, '@' before an entity and
    `; kind` after it."""
    concepts = []
    for line in lines("glossary.tsv"):
        entity = line.startswith("@")
        parts = line.lstrip("@").split(";")
        en, vi, ko = (tuple(t.strip() for t in part.split("|") if t.strip()) for part in parts[:3])
        concepts.append(Concept(en, vi, ko, entity, parts[3].strip() if len(parts) > 3 else ""))
    return tuple(concepts)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Folded words too common to say what a question or a sentence is about: data/stopwords.txt."""
    return frozenset(w for line in lines("stopwords.txt") for w in line.split())


@lru_cache(maxsize=1)
def korean_words() -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """data/korean_words.tsv: the particles a Korean word sheds (longest first), the endings of words that
    are verb or question forms, and the words that only frame a question."""
    rows = [line.split("\t") for line in lines("korean_words.tsv")]
    particles = sorted((s for kind, s in rows if kind == "particle"), key=len, reverse=True)
    endings = tuple(s for kind, s in rows if kind == "ending")
    return tuple(particles), endings, frozenset(s for kind, s in rows if kind == "frame")


@lru_cache(maxsize=1)
def _leaning() -> re.Pattern[str]:
    """data/continues.tsv as one pattern over folded text."""
    rows: dict[str, list[str]] = {}
    for line in lines("continues.tsv"):
        kind, pattern = line.split("\t")
        rows.setdefault(kind, []).append(pattern)
    opens, refers, korean = ("|".join(rows.get(kind, [])) or "(?!)" for kind in ("opens", "refers", "refers_ko"))
    return re.compile(rf"^[\"“‘(]?(?:{opens})\b|\b(?:{refers})\b|{korean}")


def continues(text: str) -> bool:
    """True when `text` names its subject only through the sentence before it: it opens on a word that leans
    on it, or refers back to a company or plant named there (data/continues.tsv)."""
    return _leaning().search(fold(text).lstrip()) is not None


@lru_cache(maxsize=1)
def person_titles() -> tuple[str, ...]:
    """Folded words that introduce a person's name ("ông", "đồng chí", "mr"): data/person_titles.txt."""
    return tuple(line.strip() for line in lines("person_titles.txt"))


@lru_cache(maxsize=1)
def not_names() -> frozenset[str]:
    """Folded words that are no names by themselves (titles, company forms): data/not_names.txt."""
    return frozenset(w for line in lines("not_names.txt") for w in line.split())
