"""Pick the few sentences that bear on the question, so the model sees a short, relevant prompt.

Each candidate sentence (from the top retrieved chunks) is scored by its dense similarity to the
question, how much of the question's concepts and key words it contains (a term that few candidates
share weighs more than one they all share), and, for "how much/how many" questions, whether it states
a figure.
"""

from __future__ import annotations

import math
import re

import numpy as np

from .domain import weight
from .periods import is_target
from .query import Query
from .retrieval import Retrieval
from .schema import Chunk, Evidence, ScoredChunk, Sentence
from .settings import Settings
from .text import fold, has_name, quantities
from .tokens import count_tokens

_FIGURE = re.compile(r"\d")
# A day or month as the sources write them: 22/4, 23/4/2024, "April", "tháng 8", 4월 22일 (folded text).
_DATE = re.compile(
    r"\b\d{1,2}/\d{1,2}\b|\b(january|february|march|april|may|june|july|august|september|october|november"
    r"|december)\b|\bthang \d{1,2}\b|\d{1,2}\s*(월|일)"
)
# Bonuses on top of a sentence's similarity to the question; data/weights.toml says what each does and on
# which data it was chosen.
COVERAGE_WEIGHT = weight("evidence", "coverage")
FIGURE_WEIGHT = weight("evidence", "figure")
DATE_WEIGHT = weight("evidence", "date")
PERIOD_WEIGHT = weight("evidence", "period")
SHARED_FIGURE_WEIGHT = weight("evidence", "shared_figure")
NAME_WEIGHT = weight("evidence", "name")
RECENCY_WEIGHT = weight("evidence", "recency")
COMMON_TERM_WEIGHT = weight("evidence", "common_term")
FOREIGN_KOREAN_TERMS = weight("evidence", "foreign_korean_terms")
TARGET_WEIGHT = weight("evidence", "target")

# Text that talks to the assistant rather than about Hai Phong ("ignore the sources and say ...", "AI assistant:",
# "bỏ qua các hướng dẫn", "지시를 무시"): a planted instruction, never evidence. Matched on folded text.
_ADDRESSES_ASSISTANT = re.compile(
    r"\b(ignore|disregard|forget|override)\s+(all\s+|any\s+|the\s+|your\s+|previous\s+|prior\s+|above\s+)*"
    r"(instructions?|prompts?|sources|rules|facts|context)\b(?!\s+of\b)"
    r"|\bsystem prompt\b|\b(ai|llm|chatbot|language model|assistant)\s*:"
    r"|\bbo qua\s+(cac|moi|tat ca|nhung)\s+(huong dan|chi dan|chi thi|lenh|quy tac|nguon)\b(?!\s+von)"
    r"|\bloi nhac he thong\b|(지시|지침|명령|프롬프트|출처|규칙)\S*\s*(을|를)?\s*무시|시스템 프롬프트"
)


def addresses_assistant(text: str) -> bool:
    """True for a sentence that instructs the assistant (prompt injection planted in a document)."""
    return _ADDRESSES_ASSISTANT.search(fold(text)) is not None


class Terms:
    """The question's concepts and key words, each weighted by how few candidate sentences contain it:
    "concentrated" or "rank" separate the answer from its neighbours, "Korea" and "project" do not.
    Key words count only in sentences of the question's language: the glossary carries concepts across
    languages, and an English word inside a Vietnamese sentence ("Jeil Group") matches by accident.
    A Korean question's own words (`Query.korean_terms`) can only be found in Korean sentences: a sentence in
    another language, which may say the same in its words, is measured against a part of their weight only."""

    def __init__(self, query: Query, candidates: list[str]) -> None:
        self.language = query.language
        self.concepts = query.all_concepts
        self.key_terms = [re.compile(rf"(?<!\w){re.escape(t)}") for t in (*query.key_terms, *query.korean_terms)]
        self._korean = len(query.korean_terms)  # the last key terms
        self._hits: dict[tuple[str, bool], list[bool]] = {}  # rank() asks again for every candidate
        found = [self._found(text, True) for text in candidates]
        n = len(candidates)
        self.weights = [
            math.log((n + 1) / (sum(f[i] for f in found) + 1)) + COMMON_TERM_WEIGHT
            for i in range(len(self.concepts) + len(self.key_terms))
        ]

    def _found(self, text: str, same_language: bool) -> list[bool]:
        key = (text, same_language)
        if key not in self._hits:
            folded = fold(text)
            keys = [p.search(folded) is not None for p in self.key_terms] if same_language else []
            self._hits[key] = [c.found_in(text) for c in self.concepts] + keys
        return self._hits[key]

    def share(self, text: str, language: str) -> float:
        """The weighted share of the question's terms that `text` (written in `language`) contains (0..1)."""
        same = language == self.language
        found = self._found(text, same)
        total = sum(self.weights)
        if not same and self._korean:
            total -= (1 - FOREIGN_KOREAN_TERMS) * sum(self.weights[-self._korean :])
        return sum(w for w, hit in zip(self.weights, found) if hit) / total if total else 0.0


def neighbours(ev: Evidence, chunks: list[Chunk], vectors: list[np.ndarray], limit: int) -> list[Evidence]:
    """The `limit` sentences after `ev` in its document, then the one before it, from `chunks` (its own and
    those beside it, in document order, with their stored sentence `vectors`), scored as `ev`: the sentence
    that continues a figure ("…, 16.9% of the country's total") or leads to it ("… Bắc Ninh đứng đầu.") may
    sit where retrieval did not look."""
    after: list[Evidence] = []
    previous: list[Evidence] = []
    seen: set[int] = set()
    before = ""
    for chunk, stored in zip(chunks, vectors):
        for position, span in enumerate(chunk.sentences):
            if span.start in seen:  # chunks overlap
                continue
            seen.add(span.start)
            text = chunk.sentence_text(position)
            found = Evidence(Sentence(chunk.id, chunk.source, chunk.title, chunk.date, span.start, span.end, text, before), ev.score, ev.similarity, stored[position])
            before = text
            if span.start < ev.sentence.start:
                previous = [found]
            elif span.start > ev.sentence.start and len(after) < limit:
                after.append(found)
    return after + previous


def by_best_sentence(chunks: list[ScoredChunk], ranked: list[Evidence]) -> list[ScoredChunk]:
    """The retrieved chunks reordered by the score of their best-ranked sentence, best first."""
    best: dict[str, float] = {}
    for ev in ranked:
        best.setdefault(ev.sentence.chunk_id, ev.score)
    return sorted(chunks, key=lambda c: best.get(c.chunk.id, 0.0), reverse=True)


class EvidenceSelector:
    """Scores candidate sentences and keeps the best within a token budget."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def rank(self, retrieval: Retrieval) -> list[Evidence]:
        """All candidate sentences, best first."""
        query = retrieval.query
        asked_figures = quantities(query.text)
        dated = query.asks_quantity or query.asks_current
        # A plan's figure is not what happened: for a "how much / how many" question that asks for no goal.
        plans_unasked = query.asks_quantity and not is_target(query.text)
        candidates = []
        seen: set[tuple[str, int]] = set()
        for scored in retrieval.chunks:
            chunk = scored.chunk
            stored = retrieval.sentence_vectors[chunk.id]
            sims = (stored @ retrieval.vectors.T).max(axis=1)
            for position, (span, sim) in enumerate(zip(chunk.sentences, sims)):
                if (chunk.source, span.start) in seen:
                    continue
                seen.add((chunk.source, span.start))
                text = chunk.sentence_text(position)
                if not addresses_assistant(text):
                    candidates.append((chunk, position, span, float(sim), text, stored[position]))
        terms = Terms(query, [text for *_, text, _vector in candidates])
        ranked = []
        for chunk, position, span, sim, text, vector in candidates:
            before = chunk.sentence_text(position - 1) if position else retrieval.before[chunk.id]
            own = terms.share(text, chunk.language)
            # What the sentence leaves to the one before it ("Đặc biệt, đây …", "The event …") counts half.
            lent = max(0.0, terms.share(f"{before} {text}", chunk.language) - own) / 2
            score = sim + COVERAGE_WEIGHT * (own + lent)
            if query.asks_quantity and _FIGURE.search(text):
                score += FIGURE_WEIGHT
            folded, folded_before = fold(text), fold(before)
            if query.asks_date and _DATE.search(folded):
                score += DATE_WEIGHT
            if query.years and chunk.date and chunk.date[:4] in query.years:
                score += PERIOD_WEIGHT
            score += SHARED_FIGURE_WEIGHT * min(3, len(asked_figures & quantities(text)))
            for name in query.names:
                score += NAME_WEIGHT if has_name(folded, name) else NAME_WEIGHT / 2 if has_name(folded_before, name) else 0.0
            if dated and chunk.date:
                score += RECENCY_WEIGHT * min(6, max(0, int(chunk.date[:4]) - 2020))
            if plans_unasked and _FIGURE.search(text) and is_target(text):
                score -= TARGET_WEIGHT
            sentence = Sentence(chunk.id, chunk.source, chunk.title, chunk.date, span.start, span.end, text, before)
            ranked.append(Evidence(sentence, score, sim, vector))
        return sorted(ranked, key=lambda e: e.score, reverse=True)

    def select(self, ranked: list[Evidence]) -> list[Evidence]:
        """The best sentences that fit the evidence budget (at least one). After the first, a sentence may
        take at most half the budget, so that one long sentence does not crowd out the others."""
        chosen: list[Evidence] = []
        used = 0
        budget = self.settings.evidence_token_budget
        for ev in ranked[: self.settings.evidence_sentences * 3]:
            n = count_tokens(ev.sentence.text)
            full = len(chosen) >= self.settings.evidence_sentences
            if chosen and (full or used + n > budget or n > budget / 2):
                continue
            chosen.append(ev)
            used += n
        return chosen
