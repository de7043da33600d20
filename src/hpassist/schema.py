"""Plain data objects that cross module boundaries: documents, chunks, evidence, answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) into a document's original text."""

    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """One source file: its original text plus what cleaning kept of it."""

    source: str  # file name, the stable id, e.g. "001_20d133c255b65173.txt"
    title: str
    language: str  # "vi", "en", "ko", ...
    date: str | None  # ISO date, possibly partial: "2025-05-20", "2023-08", "2026"
    raw: str  # the file's text exactly as read; offsets point into it
    paragraphs: tuple[Span, ...]  # content kept after stripping boilerplate
    sha256: str  # hash of the raw text, drives incremental re-indexing

    def text_of(self, span: Span) -> str:
        return self.raw[span.start : span.end]

    @property
    def clean_text(self) -> str:
        return "\n".join(self.text_of(p) for p in self.paragraphs)


@dataclass(frozen=True)
class Chunk:
    """A token-bounded run of whole sentences from one document."""

    id: str  # "<source>#<n>"
    source: str
    title: str
    date: str | None
    language: str
    start: int
    end: int
    text: str  # the sentences, joined by one space (same paragraph) or one newline (new paragraph)
    sentences: tuple[Span, ...]  # absolute offsets of each sentence inside the document

    def sentence_offset(self, position: int) -> int:
        """Where sentence `position` starts inside `text` (every separator is one character)."""
        return sum(s.end - s.start + 1 for s in self.sentences[:position])

    def sentence_text(self, position: int) -> str:
        span = self.sentences[position]
        start = self.sentence_offset(position)
        return self.text[start : start + span.end - span.start]


@dataclass(frozen=True)
class Sentence:
    """One sentence of a chunk, exactly as it stands in its source."""

    chunk_id: str
    source: str
    title: str
    date: str | None
    start: int
    end: int
    text: str
    before: str = ""  # the sentence just before it in its document: who "this" or "the event" is


@dataclass(frozen=True)
class ScoredChunk:
    chunk: Chunk
    score: float  # fused (reciprocal-rank) score
    dense: float | None = None  # cosine similarity to the query, when dense retrieval found it
    dense_rank: int | None = None
    bm25_rank: int | None = None


@dataclass(frozen=True)
class Evidence:
    """A sentence chosen to go to the model, with the reason it was chosen."""

    sentence: Sentence
    score: float  # ranking score: similarity plus bonuses for covered concepts and figures
    similarity: float = 0.0  # cosine similarity of the sentence to the question (best probe)
    vector: Any = field(default=None, compare=False, repr=False)  # its stored passage embedding, when indexed


@dataclass(frozen=True)
class Citation:
    """A numbered pointer from the answer to an exact quote of a source."""

    index: int  # the n in "[n]"
    source: str  # seed file name
    title: str
    date: str | None
    quote: str  # exact text of the source between start and end
    start: int
    end: int
    context: str = ""  # the surrounding passage (the chunk) for display
    context_start: int = 0  # offset of `context` in the source


@dataclass(frozen=True)
class TrendPoint:
    """One source's figure of a changing measure, at the date of its source."""

    date: str  # ISO, at the source's precision
    value: float  # in the measure's base unit (US$, projects, percent...)
    label: str  # the figure as the answer states it, in the reader's language
    citation: int  # the [n] of the source that states it


@dataclass(frozen=True)
class Trend:
    """A measure that several sources report at different dates, newest first; the web chat charts it."""

    measure: str  # "usd" | "projects" | "countries" | "percent"
    points: tuple[TrendPoint, ...]


@dataclass
class Answer:
    """What the assistant says, with the citations that back each [n] marker."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    language: str = "en"
    question: str = ""
    search_query: str = ""  # the standalone question actually searched (after follow-up condensation)
    evidence: list[Evidence] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    notice: str | None = None  # a user-facing message about input problems (truncated, unsupported...)
    trends: list[Trend] = field(default_factory=list)  # changing figures the answer reports, one per measure
