"""Hybrid retrieval: dense sentence search and BM25 chunk search, fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .conflicts import MONEY, asked_units, local_figures
from .domain import measures_named, weight
from .index import Index
from .periods import period_of
from .query import Query
from .schema import Chunk, ScoredChunk
from .settings import Settings
from .text import keyword_tokens

_FOLLOWED = weight("retrieval", "followed")


@dataclass
class Retrieval:
    """Chunks for one query, best first, with what the evidence step needs of the index to weigh their
    sentences: the query vectors, each chunk's stored sentence vectors and the sentence just before it."""

    query: Query
    vectors: np.ndarray  # one row per dense probe: the question, then its glossary pivot
    chunks: list[ScoredChunk]
    sentence_vectors: dict[str, np.ndarray] = field(default_factory=dict)  # chunk id -> one row per sentence
    before: dict[str, str] = field(default_factory=dict)  # chunk id -> the last sentence of the chunk before it


class Retriever:
    """Finds the chunks most likely to answer a question."""

    def __init__(self, index: Index, settings: Settings) -> None:
        self.index = index
        self.settings = settings

    def search(self, query: Query, k: int | None = None, dense_only: bool = False) -> Retrieval:
        """Candidate chunks for `query`: the top k of the dense ranking plus the top k/2 of the keyword
        ranking, ordered by their reciprocal-rank fusion (so a chunk only one ranking finds still counts)."""
        k = k or self.settings.top_chunks
        probes = [query.text] + ([query.pivot] if query.pivot and not dense_only else [])
        vectors = self.index.embedder.queries(probes)
        best_sim: dict[str, float] = {}
        for vector in vectors:
            for hit in self.index.dense_search(vector, self.settings.dense_k * 3):
                best_sim[hit.chunk_id] = max(best_sim.get(hit.chunk_id, -1.0), hit.similarity)
        dense_rank = {c: n for n, c in enumerate(sorted(best_sim, key=best_sim.get, reverse=True), start=1)}
        # Three times as many keyword hits as are fused: the figure pass below may reach for one of them.
        keyword = [] if dense_only else self.index.keyword_search(self._keywords(query), self.settings.bm25_k * 3)
        bm25_rank = {chunk_id: n for n, (chunk_id, _) in enumerate(keyword[: self.settings.bm25_k], start=1)}
        fused: dict[str, float] = {}
        for ranking in (dense_rank, bm25_rank):
            for chunk_id, rank in ranking.items():
                fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (self.settings.rrf_k + rank)
        by_id = self.index.chunk_by_id()
        pool = [c for c in dense_rank if c in by_id][:k] + [c for c in bm25_rank if c in by_id][: max(1, k // 2)]
        ordered = sorted(dict.fromkeys(pool), key=fused.get, reverse=True)
        # The chunk after each of the best few joins last: the sentence that answers often follows the one
        # that matched ("… visited the Embassy." / "Calling for projects in electronics, semiconductors, …").
        for chunk_id in ordered[:_FOLLOWED]:
            following = self.index.adjacent(by_id[chunk_id], 1)
            if following and following.id not in ordered:
                ordered.append(following.id)
                fused.setdefault(following.id, 0.0)
        if query.asks_quantity and not dense_only:
            candidates = sorted(fused, key=fused.get, reverse=True) + [c for c, _ in keyword]
            names = {t for name in query.names for w in (name, *self.index.hangul_spellings(name)) for t in keyword_tokens(w)}
            words = self.index.chunk_words() if names else {}
            ordered += _figure_chunks(query, ordered, list(dict.fromkeys(candidates)), by_id, max(1, k // 2), names, words)
        chunks = [
            ScoredChunk(
                chunk=by_id[c],
                score=fused.get(c, 0.0),
                dense=best_sim.get(c),
                dense_rank=dense_rank.get(c),
                bm25_rank=bm25_rank.get(c),
            )
            for c in ordered
        ]
        return Retrieval(
            query=query,
            vectors=vectors,
            chunks=chunks,
            sentence_vectors={c.chunk.id: self.index.sentence_vectors(c.chunk) for c in chunks},
            before={c.chunk.id: self._last_sentence_before(c.chunk) for c in chunks},
        )

    def _keywords(self, query: Query) -> str:
        """The keyword query: the question with its glossary synonyms, and each Latin name also as the corpus's
        Korean articles write it ("Hana Micron": 하나마이크론)."""
        return " ".join([query.keywords, *(w for name in query.names for w in self.index.hangul_spellings(name))])

    def _last_sentence_before(self, chunk: Chunk) -> str:
        """Who "this" or "the event" is when a chunk's first sentence leans on the one before it."""
        previous = self.index.adjacent(chunk, -1)
        return previous.sentence_text(len(previous.sentences) - 1) if previous and previous.sentences else ""


def _figure_chunks(
    query: Query,
    ordered: list[str],
    candidates: list[str],
    by_id: dict,
    limit: int,
    names: set[str],
    words: dict[str, frozenset[str]],
) -> list[str]:
    """For a quantity question, the best of the `candidates` (chunk ids, best first) of each document that
    states a figure of the kind asked, where the pool has none from that document: the newest report of a
    changing figure may sit in a document whose best passage ranks below the pool (or in another language).
    When the question names a company, only a chunk that names it too (its keyword tokens, `names`, among the
    chunk's `words`) counts as the pool's figure of that document: the province's FDI total is not Amkor's investment.
    For a running total, a chunk that states one ("누적 등록 자본은 476억 달러"), not a month's flow; of the
    measures a question about a sum names, a chunk that names one of them (exports, not a dollar sum of FDI); unless
    the question names a year, newer documents come first."""
    units = asked_units(query)
    stock = period_of(query.text).stock
    # Sums of money are where measures part most (FDI, exports, revenue, all in dollars); a rate stays any rate.
    measures = {m.measure for m in measures_named(query.text)} if units & MONEY else set()

    def states(chunk_id: str) -> bool:
        text = by_id[chunk_id].text
        return (
            any(f.unit in units for f in local_figures(text))
            and (not stock or period_of(text).stock)
            and (not measures or bool(measures & {m.measure for m in measures_named(text)}))
        )

    def naming(chunk_id: str) -> bool:
        return bool(names & words.get(chunk_id, frozenset()))

    covered = {by_id[c].source for c in ordered if states(c) and (not names or naming(c))}
    if not query.years:  # the newest report is the one wanted: newer documents first, best first within one
        candidates = sorted(candidates, key=lambda c: by_id[c].date or "" if c in by_id else "", reverse=True)
    if names:  # chunks that name the company asked about first
        candidates = sorted(candidates, key=lambda c: not naming(c))
    extra: list[str] = []
    for chunk_id in candidates:
        if len(extra) >= limit or not units:
            break
        if chunk_id in by_id and chunk_id not in ordered and by_id[chunk_id].source not in covered and states(chunk_id):
            extra.append(chunk_id)
            covered.add(by_id[chunk_id].source)
    return extra
