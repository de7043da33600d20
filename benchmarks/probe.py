"""One timed hybrid search, split into its parts, on any index (the seed index or a synthetic tier).

The parts are measured by timing wrappers on the live objects (see measure.Meter), so the product's
own code runs unchanged: query embedding (one call per search, covering the question and its glossary
pivot), Chroma nearest-neighbour queries (one per probe), BM25, the candidates' stored sentence vectors
(fetched from Chroma for the evidence step), and the rest of Retriever.search (reciprocal-rank fusion, the
candidate pool and chunk lookup) as the remainder. Evidence ranking (EvidenceSelector.rank) and the refusal
gate with the changing-figures check are timed after it, as the Pipeline does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hpassist.conflicts import reports
from hpassist.evaluation import RECALL_K, EvalCase
from hpassist.evidence import by_best_sentence
from hpassist.index import Index
from hpassist.pipeline import Pipeline
from hpassist.query import Query, parse_query
from hpassist.retrieval import Retrieval
from hpassist.schema import Evidence
from hpassist.settings import Settings

from .measure import Meter, clock

KEYS = ("embed", "dense", "bm25", "fusion", "search", "search_no_embed", "rank", "vectors", "gate", "evidence", "total")


def instrument(meter: Meter, index: Index) -> None:
    """Time the index calls Retriever.search makes."""
    meter.wrap(index.embedder, "queries", "embed")
    meter.wrap(index, "dense_search", "dense")
    meter.wrap(index, "keyword_search", "bm25")
    meter.wrap(index, "sentence_vectors", "vectors")


def parse(settings: Settings, text: str) -> Query:
    return parse_query(text, settings.max_question_tokens, settings.max_question_chars)


def timed_search(pipeline: Pipeline, meter: Meter, query: Query, dense_only: bool = False, evidence: bool = True
                 ) -> tuple[dict[str, float], Retrieval, list[Evidence]]:
    """Search once; return the parts' seconds, the retrieval and the ranked evidence (empty without `evidence`)."""
    meter.reset()
    start = clock()
    retrieval = pipeline.retriever.search(query, dense_only=dense_only)
    search = clock() - start
    row = {
        "embed": meter.get("embed"),
        "dense": meter.get("dense"),
        "bm25": meter.get("bm25"),
        "vectors": meter.get("vectors"),
        "probes": meter.calls.get("dense", 0),
        "search": search,
    }
    row["fusion"] = search - row["embed"] - row["dense"] - row["bm25"] - row["vectors"]
    row["search_no_embed"] = search - row["embed"]  # what grows with the corpus (the embedding does not)
    ranked: list[Evidence] = []
    if evidence:
        mark = clock()
        ranked = pipeline.selector.rank(retrieval)
        row["rank"] = clock() - mark
        mark = clock()
        pipeline.gate.decide(query, ranked)
        reports(query, ranked, pipeline.settings.min_similarity, pipeline.index.document_texts())
        row["gate"] = clock() - mark
        row["evidence"] = row["rank"] + row["gate"]
        row["total"] = search + row["evidence"]
    return row, retrieval, ranked


def top_sources(retrieval: Retrieval, ranked: list[Evidence], k: int = RECALL_K) -> list[str]:
    """Sources of the top-k chunks, reranked by their best sentence exactly as Assistant.retrieve does."""
    return [c.chunk.source for c in by_best_sentence(retrieval.chunks, ranked)[:k]]


def spread(items: Sequence[Any], n: int | None) -> list[Any]:
    """n items evenly spread over the sequence (all of them when n is None or too large), in order."""
    if n is None or n >= len(items):
        return list(items)
    if n <= 0:
        return []
    if n == 1:
        return [items[0]]
    picks = sorted({round(i * (len(items) - 1) / (n - 1)) for i in range(n)})
    return [items[i] for i in picks]


def retrieval_cases(cases: Sequence[EvalCase]) -> list[EvalCase]:
    """Answerable questions that stand on their own (follow-ups need their conversation to be searched)."""
    return [c for c in cases if c.answerable and not c.follow_up_of and not c.history]
