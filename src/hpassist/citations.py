"""Citations owned by the program: find the evidence behind each answer sentence, or drop the sentence.

A sentence is supported when every figure in it appears in one cited evidence sentence, every name and
glossary concept in it ("semiconductors", "lớn nhất") appears in that evidence or the question, and (when
it states no figure) it is semantically close to that evidence. Unsupported sentences never reach the user.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from .conflicts import owner_before
from .domain import EVERYWHERE, Concept, glossary, measure_at, stated_in, stopwords
from .embeddings import E5Embeddings
from .language import written_in
from .periods import is_target, period_of, says_this_year
from .schema import Evidence
from .text import Figure, fold, is_unit, quantities, units_agree, whole_word, years
from .text import figures as text_figures  # check() names its set of values `figures`

log = logging.getLogger(__name__)

_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")
_NAME = re.compile(r"(?<![\w$])[A-ZÀ-ỸĐ][\w'’-]*(?:\s+[A-ZÀ-ỸĐ][\w'’-]*)*")
_MARKER = re.compile(r"\s*\[\d+\]")
_WORD = re.compile(r"[^\W\d_]+")


def split_answer(text: str) -> list[str]:
    """Sentences of generated text (a trailing fragment counts as a sentence)."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def sentences_of(deltas: Iterable[str]) -> Iterator[str]:
    """The sentences of streamed text, each as soon as it is complete, then the unfinished rest."""
    buffer = ""
    for delta in deltas:
        buffer += delta
        *complete, buffer = _SENTENCE_END.split(buffer)
        yield from complete
    if buffer.strip():
        yield buffer.strip()


def add_markers(sentence: str, indices: list[int]) -> str:
    """'Korea invested 15.4 bn.' + [1] -> 'Korea invested 15.4 bn [1].'"""
    marks = "".join(f"[{i}]" for i in indices)
    body = sentence.rstrip()
    if body and body[-1] in ".!?。":
        return f"{body[:-1]} {marks}{body[-1]}"
    return f"{body} {marks}"


def strip_markers(text: str) -> str:
    return _MARKER.sub("", text)


def _names(sentence: str) -> list[str]:
    """Capitalised words and phrases, except the sentence's first word and units ('USD', 'KCN': the figure
    check compares those)."""
    found = []
    for m in _NAME.finditer(sentence):
        name = m.group(0)
        if m.start() == 0:
            name = name.split(maxsplit=1)[1] if " " in name else ""
        if name and not is_unit(name):
            found.append(name)
    return found


def _name_known(name: str, haystack: str) -> bool:
    """A name is known if it, or a glossary synonym of it, occurs in the haystack."""
    folded_name = fold(name)
    if folded_name in haystack:
        return True
    for concept in glossary():
        if any(fold(t) == folded_name for t in concept.terms):
            return any(fold(t) in haystack for t in concept.terms)
    return all(fold(w) in haystack for w in name.split() if len(w) > 3) and any(len(w) > 3 for w in name.split())


def _subjects(sentence: str, folded_question: str) -> list[str]:
    """The names a sentence shares with the question, its first word included ("Canon has invested …")."""
    names = (re.sub(r"['’]s$", "", m.group(0)) for m in _NAME.finditer(sentence))  # "Canon's" is Canon
    scope = {fold(t) for c in glossary() if c.english[0] in EVERYWHERE for t in c.terms}  # the city, the country
    return [n for n in names if not is_unit(n) and fold(n) not in scope and _has_word(folded_question, fold(n))]


def _has_word(folded: str, word: str) -> bool:
    return re.search(whole_word(word), folded) is not None


def _context(ev: Evidence) -> str:
    """An evidence sentence with what says whom it is about: its document's title and the sentence before."""
    return f"{ev.sentence.title}\n{ev.sentence.before}\n{ev.sentence.text}"


def _concepts(sentence: str) -> list[Concept]:
    """The glossary concepts a sentence states ("semiconductors", "lớn nhất", "자동차 부품")."""
    return [c for c in glossary() if c.found_in(sentence)]


def _concept_known(concept: Concept, haystack: str) -> bool:
    """Whether the haystack states the concept, leniently: "invests" counts for "investing" (a term's stem,
    all but its last two letters, may begin a word), so that only a concept that is absent fails."""
    if concept.found_in(haystack):
        return True
    folded = fold(haystack)
    stems = {fold(t)[:-2] for t in concept.english if len(t) >= 6}
    return any(re.search(rf"(?<!\w){re.escape(stem)}", folded) for stem in stems)


def _restates(sentence: str, question: str) -> bool:
    """Whether the sentence adds no word to the question ("Korea ranks among Hai Phong's investors by …").
    Compared with diacritics: folded, "đầu" (first) would be the stopword "đâu" (where)."""
    asked = {_stem(w) for w in _WORD.findall(question.lower())}
    return not [
        w for w in _WORD.findall(sentence.lower()) if _stem(w) not in asked and not (w.isascii() and w in stopwords())
    ]


def _stem(word: str) -> str:
    """'ranks' -> 'rank', so that a plural or a third person does not count as a new word."""
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _units_hold(stated: list[Figure], evidence: list[Figure]) -> bool:
    """Every stated figure appears in the evidence with a unit that agrees ('$1,840' is not '1,840 ha')."""
    return all(any(f.value == g.value and units_agree(f.unit, g.unit) for g in evidence) for f in stated)


def _measures_hold(stated: list[Figure], sentence: str, evidence: str) -> bool:
    """Every stated figure measures what its evidence says it measures, where both name it before the figure:
    "매출은 83억 달러" (revenue) is not "누적 투자액은 … 83억 달러" (investment)."""
    found = text_figures(evidence)
    for f in stated:
        said = measure_at(sentence, f.start, after=False)
        held = {measure_at(evidence, g.start, after=False) for g in found if g.value == f.value}
        if said and None not in held and said not in held:
            return False
    return True


def _owned(stated: list[Figure], said: str, evidence: str) -> bool:
    """Every stated figure is, somewhere in the evidence, not the figure of another than whom `said` (the
    answer's sentence and its question) names: "…, while Hanoi stayed at US$129/m²" gives no rent of Bắc
    Ninh. Another's is one whose clause names an owner (conflicts.owner_before) and none of those."""
    named = [c for c in glossary() if c.entity and c.found_in(said)]

    def another(at: int) -> bool:
        owner = owner_before(evidence, at)
        clause = _CLAUSE.split(evidence[:at])[-1]
        return owner is not None and owner not in named and not any(c.found_in(clause) for c in named)

    found = text_figures(evidence)
    return all(not (at := [g.start for g in found if g.value == f.value]) or not all(map(another, at)) for f in stated)


def _trigrams(text: str) -> set[tuple[str, ...]]:
    """Runs of three words (folded): what a sentence copies from another."""
    found = re.findall(r"\w+", fold(text))
    return set(zip(found, found[1:], found[2:]))


_CLAUSE = re.compile(r"[;:]|,(?!\d)")


def _periods_hold(sentence: str, ev: Evidence) -> bool:
    """The sentence does not state its figures of another span or year than its evidence states them: "2024년
    상반기 … 34억7000만 달러" (six months) is not "1~8월 … 34억7000만 달러" (eight), nor is "2025년 1~8월" an
    article of 2024's "올해 1~8월". The evidence's year is the one it writes, or its source's for "this year"."""
    said = period_of(sentence)
    text = ev.sentence.text
    held = period_of(text)
    written = held.years
    if not written and ev.sentence.date and says_this_year(text):
        written = (ev.sentence.date[:4],)
    if said.months and held.months and said.months != held.months:
        return False
    return not (said.years and written and not set(said.years) & set(written))


def _described(found: list[Figure]) -> str:
    return ", ".join(f"{f.value:g} {f.unit or '(no unit)'}" for f in found)


@dataclass(frozen=True)
class Check:
    supported: bool
    evidence: tuple[int, ...] = ()  # positions in the evidence list that back the sentence
    reason: str = ""


class Verifier:
    """Checks generated sentences against the evidence they may cite."""

    def __init__(self, embedder: E5Embeddings, support_similarity: float) -> None:
        self.embedder = embedder
        self.support_similarity = support_similarity

    def check(self, sentence: str, evidence: list[Evidence], question: str) -> Check:
        """Which evidence sentences back `sentence`, or why none does."""
        if not evidence:
            return Check(False, reason="no evidence")
        # The asker's own years ("in 2025") are given; any other figure of the question must be in the evidence.
        figures = quantities(sentence) - {float(y) for y in years(question)}
        if not figures and _restates(sentence, question):
            return Check(False, reason="only restates the question")
        texts = [e.sentence.text for e in evidence]
        if figures:
            holders = [i for i, t in enumerate(texts) if figures <= quantities(t)]
            if not holders:
                return Check(False, reason=f"figure(s) {sorted(figures)} not all in one evidence sentence")
            stated = [f for f in text_figures(sentence) if f.value in figures]
            # Only what a figure's words before it name: "15 parks covering 6,200 ha" counts parks, not area.
            misnamed = [(f, m) for f in stated if f.unit for m in [measure_at(sentence, f.start, after=False)] if m and not stated_in(m, f.unit)]
            if misnamed:
                f, measure = misnamed[0]
                return Check(False, reason=f"{f.value:g} {f.unit} stated as {measure}, which is never measured in {f.unit}")
            agreeing = [i for i in holders if _units_hold(stated, text_figures(texts[i]))]
            if not agreeing:
                return Check(False, reason=f"figure(s) {_described(stated)} in another unit in the evidence "
                                           f"({_described(text_figures(texts[holders[0]]))})")
            holders = agreeing
            fitting = [i for i in holders if _measures_hold(stated, sentence, texts[i]) and _periods_hold(sentence, evidence[i])]
            if not fitting:
                return Check(False, reason="figure(s) stated of another measure or period than in their evidence")
            holders = fitting
            owned = [i for i in holders if _owned(stated, f"{sentence} {question}", texts[i])]
            if not owned:
                return Check(False, reason="figure(s) of another country, place or company in their evidence")
            holders = owned
            if all(is_target(texts[i]) for i in holders) and not is_target(sentence):
                return Check(False, reason="states the figures of a goal or plan as what has happened")
        else:
            holders = list(range(len(texts)))
        folded_question = fold(question)
        for name in _names(sentence):
            if not any(_name_known(name, fold(texts[i]) + " " + folded_question) for i in holders):
                return Check(False, reason=f"name {name!r} not in evidence")

        # A figure belongs to whom its evidence (with its title and the sentence before) names: the question's
        # "Canon" does not make the province's output Canon's investment.
        for name in _subjects(sentence, folded_question) if figures else []:
            if not any(_name_known(name, fold(_context(evidence[i]))) for i in holders):
                return Check(False, reason=f"figure(s) stated of {name!r}, whom their evidence does not name")
        for concept in _concepts(sentence):
            if not any(_concept_known(concept, f"{texts[i]} {question}") for i in holders):
                return Check(False, reason=f"{concept.english[0]!r} is not in the evidence")
        sims = self._similarities(sentence, [evidence[i] for i in holders])
        if not figures and sims.max() < self.support_similarity:
            return Check(False, reason=f"not close to any evidence ({sims.max():.2f})")
        # Cited is the closest sentence, unless it shares no run of words with it and another does: a heading
        # ("Mục tiêu đến năm 2030") may be closer in meaning than the list whose words it copies ("…
        # centrally-run city meeting type-I urban criteria …").
        copied = [len(_trigrams(sentence) & _trigrams(texts[i])) for i in holders]
        best = int(np.argmax(sims))
        if not copied[best] and any(copied):
            best = max(range(len(holders)), key=lambda n: (copied[n], sims[n]))
        return Check(True, evidence=(holders[best],))

    def supporting(self, sentence: str, evidence: list[Evidence], question: str, language: str) -> list[Evidence]:
        """The evidence that backs a generated sentence of the answer, or [] when it may not be said: a
        question back to the reader, no words at all (a bare "42."), a sentence in another language, or one
        the evidence does not hold."""
        if sentence.rstrip().endswith("?") or not _WORD.search(sentence) or not written_in(sentence, language):
            return []
        check = self.check(sentence, evidence, question)
        if not check.supported:
            log.info("dropped unsupported sentence %r: %s", sentence, check.reason)
            return []
        return [evidence[i] for i in check.evidence]

    def _similarities(self, sentence: str, evidence: list[Evidence]) -> np.ndarray:
        """Cosine similarity of the sentence to each evidence sentence, from the index's stored vector where
        the evidence has one (the same passage embedding of the same text), else embedded here."""
        missing = [ev.sentence.text for ev in evidence if ev.vector is None]
        fresh = iter(self.embedder.passages([sentence, *missing]))
        own = next(fresh)
        vectors = [ev.vector if ev.vector is not None else next(fresh) for ev in evidence]
        return np.asarray(vectors, dtype=np.float32) @ own
