"""The searchable store: sentence embeddings in Chroma (on disk or a server) and a BM25 index over chunks.

Chroma holds one record per sentence; chunks are rebuilt from their sentences, so Chroma is the single
source of truth. Re-indexing is incremental and crash-safe: a document's new records are added first,
then the collection's manifest (source -> content hash, one atomic metadata write) is switched to them,
then the old records are deleted. Searches only see records named by the manifest.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import bm25s
import chromadb
import numpy as np

from .chunking import LAYOUT_VERSION, chunk_document
from .domain import stopwords
from .embeddings import E5Embeddings
from .schema import Chunk, Document, Span
from .settings import Settings
from .text import fold, glossed_names, hangul_words, keyword_tokens, skeleton, sound_key

log = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG when imported, so its "Building index" lines reached the CLI's stderr.
logging.getLogger("bm25s").setLevel(logging.WARNING)
_PAGE = 5000  # records read per get() when loading the chunks
_BATCH = 32


class IndexUnavailable(RuntimeError):
    """The index cannot be opened or updated; the message says how to fix it."""


@dataclass
class SyncReport:
    """What one re-index run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    sentences_embedded: int = 0


@dataclass(frozen=True)
class SentenceHit:
    chunk_id: str
    position: int  # index of the sentence in its chunk
    similarity: float


def _sentence_id(stamp: str, chunk: Chunk, position: int) -> str:
    return f"{stamp[:16]}:{chunk.id}:{position}"


def _keyword_tokens(text: str) -> list[str]:
    return [w for w in keyword_tokens(text) if w not in stopwords()]


def open_client(settings: Settings) -> Any:
    """A Chroma client: an HTTP client when `chroma_url` is set, else a persistent one under the data dir."""
    chroma_settings = chromadb.config.Settings(anonymized_telemetry=False)
    if settings.chroma_url:
        m = re.match(r"^(https?)://([^/:]+)(?::(\d+))?/?$", settings.chroma_url)
        if not m:
            raise IndexUnavailable(f"HPASSIST_CHROMA_URL={settings.chroma_url!r} is not a URL like http://127.0.0.1:8000")
        scheme, host, port = m.groups()
        try:
            return chromadb.HttpClient(
                host=host, port=int(port or 8000), ssl=scheme == "https", settings=chroma_settings
            )
        except Exception as exc:
            raise IndexUnavailable(
                f"Chroma server at {settings.chroma_url} is not reachable ({exc}). Start it or unset HPASSIST_CHROMA_URL."
            ) from exc
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)
    except Exception as exc:
        raise IndexUnavailable(
            f"The index at {settings.index_dir} cannot be opened ({exc}). "
            f"Delete that folder and run `hpassist index` to rebuild it."
        ) from exc


class Index:
    """Sentence vectors + chunk keywords for a set of Documents."""

    def __init__(self, settings: Settings, embedder: E5Embeddings | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or E5Embeddings(threads=settings.n_threads)
        self.client = open_client(settings)
        try:
            self.collection = self.client.get_or_create_collection(
                settings.collection,
                embedding_function=self.embedder,
                configuration={"hnsw": {"space": "cosine"}},
            )
        except Exception as exc:
            raise IndexUnavailable(
                f"Collection {settings.collection!r} cannot be opened ({exc}). "
                f"Delete {settings.index_dir} (or the collection on the server) and run `hpassist index`."
            ) from exc
        self._manifest: tuple[str | None, dict[str, Any]] = (None, {})
        self._cache: dict[str, tuple[str, Any]] = {}  # name -> (revision it was built from, value)

    # ----- manifest -------------------------------------------------------------------------
    def revision(self) -> str:
        """The manifest as stored: it changes exactly when the committed index does (a cheap cache key)."""
        return (self.collection.metadata or {}).get("manifest") or ""

    def manifest(self) -> dict[str, Any]:
        """The committed state: {"sources": {source: stamp}, "built_at": iso time} (see `stamp`). Parsed
        once per revision (searches read it several times per question); treat it as read-only."""
        raw = self.revision()
        if self._manifest[0] != raw:
            self._manifest = (raw, json.loads(raw) if raw else {"sources": {}, "built_at": None})
        return self._manifest[1]

    def stamp(self, doc: Document) -> str:
        """What a document is committed under: its text's hash together with the way it was cut into
        chunks, so that a new sentence splitter or chunk size re-embeds every document."""
        cut = f"{LAYOUT_VERSION}:{self.settings.chunk_tokens}:{doc.sha256}"
        return hashlib.sha256(cut.encode("utf-8")).hexdigest()

    def indexed_at(self) -> dict[str, str]:
        """When each committed source was last (re-)embedded, as ISO times (none for older indexes)."""
        return dict(self.manifest().get("indexed_at", {}))

    def _commit(self, sources: dict[str, str], changed: str | None = None) -> None:
        """Switch the index to `sources` in one metadata write; `changed` is the source just embedded."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        times = {s: t for s, t in self.indexed_at().items() if s in sources}
        if changed:
            times[changed] = now
        manifest = {"sources": sources, "indexed_at": times, "built_at": now}
        self._write(self.collection.modify, metadata={"manifest": json.dumps(manifest, sort_keys=True)})

    def _cached(self, name: str, build: Callable[[], Any]) -> Any:
        """A value derived from the committed index, rebuilt when the index changes. The revision is read
        before building, so a build that raced a commit is tagged with the older revision and redone."""
        revision = self.revision()
        held = self._cache.get(name)
        if held is None or held[0] != revision:
            held = (revision, build())
            self._cache[name] = held
        return held[1]

    # ----- writing --------------------------------------------------------------------------
    def sync(
        self,
        documents: Iterable[Document],
        progress: Callable[[int, int, str], None] | None = None,
        prune: bool = True,
    ) -> SyncReport:
        """Make the index hold `documents`, embedding only what changed; with `prune`, also remove
        every other document (without it, documents indexed from elsewhere are kept)."""
        docs = {d.source: d for d in documents}
        committed = dict(self.manifest()["sources"])
        report = SyncReport()
        stamps = {s: self.stamp(d) for s, d in docs.items()}
        todo = [d for d in docs.values() if committed.get(d.source) != stamps[d.source]]
        report.unchanged = sorted(s for s in docs if committed.get(s) == stamps[s])
        total = sum(len(c.sentences) for d in todo for c in chunk_document(d, self.settings.chunk_tokens))
        done = 0
        for doc in todo:
            chunks = chunk_document(doc, self.settings.chunk_tokens)
            stamp = stamps[doc.source]
            self._delete_records(stamp, doc.source)  # leftovers of an interrupted run
            for batch in _batches(self._records(doc, chunks, stamp), _BATCH):
                vectors = self.embedder.passages([r["document"] for r in batch])
                self._write(
                    self.collection.add,
                    ids=[r["id"] for r in batch],
                    documents=[r["document"] for r in batch],
                    metadatas=[r["metadata"] for r in batch],
                    embeddings=vectors,
                )
                done += len(batch)
                if progress:
                    progress(done, total, doc.source)
            report.sentences_embedded += sum(len(c.sentences) for c in chunks)
            (report.updated if doc.source in committed else report.added).append(doc.source)
            old = committed.get(doc.source)
            committed[doc.source] = stamp
            self._commit(committed, changed=doc.source)
            if old:
                self._delete_records(old, doc.source)
        if prune:
            report.removed = self.remove(sorted(set(committed) - set(docs)))
        if not todo and not report.removed and self.manifest()["built_at"] is None:
            self._commit(committed)
        return report

    def remove(self, sources: Iterable[str]) -> list[str]:
        """Take documents out of the index, each in one commit before its records are deleted; returns
        the sources that were indexed."""
        removed = []
        for source in sources:
            committed = dict(self.manifest()["sources"])
            old = committed.pop(source, None)
            if old is None:
                continue
            self._commit(committed)
            self._delete_records(old, source)
            removed.append(source)
        return removed

    def _location(self) -> str:
        return f"the Chroma server at {self.settings.chroma_url}" if self.settings.chroma_url else str(self.settings.index_dir)

    def _write(self, method: Callable[..., Any], **kwargs: Any) -> Any:
        """Call a Chroma write; a failure (a full disk, a store that went away) becomes IndexUnavailable
        naming the fix. The manifest is switched only after a document's records are all written, so the
        previous index stays usable."""
        try:
            return method(**kwargs)
        except Exception as exc:
            full = getattr(exc, "errno", None) == errno.ENOSPC or re.search(r"disk is full|no space left", str(exc), re.IGNORECASE)
            fix = f"free disk space for {self._location()}" if full else f"check {self._location()}"
            raise IndexUnavailable(
                f"Indexing stopped: {fix}, then run `hpassist index` again; the previous index is still usable "
                f"({type(exc).__name__}: {str(exc)[:100]})."
            ) from exc

    def _read(self, method: Callable[..., Any], **kwargs: Any) -> Any:
        """Call a Chroma read; a store that was deleted, damaged or went away becomes IndexUnavailable
        naming the fix (first: the web chat shortens long messages)."""
        try:
            return method(**kwargs)
        except Exception as exc:
            if self.settings.chroma_url:
                fix = f"check that the Chroma server at {self.settings.chroma_url} is running, then ask again"
            elif not self.settings.index_dir.exists():
                fix = f"its folder {self.settings.index_dir} is missing; run `hpassist index` to rebuild it, then restart"
            else:
                fix = f"delete {self.settings.index_dir} and run `hpassist index` to rebuild it, then restart"
            raise IndexUnavailable(f"The index cannot be read: {fix} ({type(exc).__name__}: {str(exc)[:100]}).") from exc

    def _delete_records(self, sha: str, source: str) -> None:
        self._write(self.collection.delete, where={"$and": [{"source": source}, {"sha": sha}]})

    @staticmethod
    def _records(doc: Document, chunks: list[Chunk], stamp: str) -> list[dict[str, Any]]:
        records = []
        for number, chunk in enumerate(chunks):
            for position, span in enumerate(chunk.sentences):
                previous = chunk.sentences[position - 1] if position else None
                gap = doc.raw[previous.end : span.start] if previous else ""
                records.append(
                    {
                        "id": _sentence_id(stamp, chunk, position),
                        "document": doc.text_of(span),
                        "metadata": {
                            "source": doc.source,
                            "sha": stamp,
                            "title": doc.title,
                            "date": doc.date or "",
                            "language": doc.language,
                            "chunk": number,
                            "position": position,
                            "start": span.start,
                            "end": span.end,
                            "sep": "\n" if "\n" in gap else ("" if not previous else " "),
                        },
                    }
                )
        return records

    # ----- reading --------------------------------------------------------------------------
    def _where_committed(self) -> dict[str, Any] | None:
        shas = sorted(set(self.manifest()["sources"].values()))
        if not shas:
            return None
        return {"sha": {"$in": shas}}

    def chunks(self) -> list[Chunk]:
        """All committed chunks, rebuilt from their sentence records."""
        return self._cached("chunks", self._load_chunks)

    def _load_chunks(self) -> list[Chunk]:
        committed = set(self.manifest()["sources"].values())
        records: dict[str, list[Any]] = {"documents": [], "metadatas": []}
        offset = 0
        # In pages, unfiltered: one get() of every record, or a filter naming every document, fails past
        # ~32k records (SQLite's variable limit); records of uncommitted documents are dropped here.
        while committed:
            page = self._read(self.collection.get, include=["documents", "metadatas"], limit=_PAGE, offset=offset)
            for text, meta in zip(page["documents"], page["metadatas"]):
                if meta["sha"] in committed:
                    records["documents"].append(text)
                    records["metadatas"].append(meta)
            if len(page["ids"]) < _PAGE:
                break
            offset += _PAGE
        return _assemble(records)

    def document_texts(self) -> dict[str, str]:
        """Each committed source's text (its chunks joined), for document-level checks."""
        def build() -> dict[str, str]:
            texts: dict[str, list[str]] = {}
            for chunk in self.chunks():
                texts.setdefault(chunk.source, []).append(f"{chunk.title}\n{chunk.text}")
            return {source: "\n".join(parts) for source, parts in texts.items()}

        return self._cached("documents", build)

    def hangul_spellings(self, name: str) -> list[str]:
        """The Hangul words of the corpus that write a Latin name by its sound ("Hana Micron": 하나마이크론,
        하나마이크론비나), or that a Korean article glosses with it or a longer name it begins ("Amkor":
        앰코테크놀로지(Amkor Technology)): a Korean article names a foreign company so, and keyword search
        needs its spelling."""
        glossed = self._cached("glossed", lambda: [(fold(latin), hangul) for c in self.chunks() for latin, hangul in glossed_names(c.text)])
        asked = fold(name)
        spellings = [hangul for latin, hangul in glossed if latin == asked or latin.startswith(f"{asked} ")]
        wanted = sound_key(name)
        if wanted:
            skeletons = self._cached("hangul", lambda: {w: skeleton(w) for c in self.chunks() for w in hangul_words(f"{c.title}\n{c.text}")})
            spellings += [word for word, key in skeletons.items() if key.startswith(wanted)]
        return list(dict.fromkeys(spellings))

    def chunk_words(self) -> dict[str, frozenset[str]]:
        """Each chunk's keyword tokens (of its text, as keyword search cuts them), by chunk id: cut once per
        index revision, not again for every question that names a company."""
        return self._cached("words", lambda: {c.id: frozenset(keyword_tokens(c.text)) for c in self.chunks()})

    def chunk_by_id(self) -> dict[str, Chunk]:
        return self._cached("by_id", lambda: {c.id: c for c in self.chunks()})

    def adjacent(self, chunk: Chunk, step: int) -> Chunk | None:
        """The chunk `step` places after (negative: before) `chunk` in its document, if there is one."""
        number = int(chunk.id.rpartition("#")[2]) + step
        return self.chunk_by_id().get(f"{chunk.source}#{number}") if number >= 0 else None

    def is_empty(self) -> bool:
        return not self.manifest()["sources"]

    def keyword_search(self, query: str, k: int) -> list[tuple[str, float]]:
        """BM25 over chunk texts (with titles): [(chunk_id, score)], best first."""
        chunks, bm25 = self._cached("bm25", self._keyword_index)
        tokens = _keyword_tokens(query)
        if not chunks or not tokens:
            return []
        results, scores = bm25.retrieve([tokens], k=min(k, len(chunks)), show_progress=False)
        return [(chunks[i].id, float(s)) for i, s in zip(results[0], scores[0]) if s > 0]

    def _keyword_index(self) -> tuple[list[Chunk], bm25s.BM25 | None]:
        """The chunks with a BM25 index over their texts (None when there are none), built together so
        that result positions always point into the list they were built from."""
        chunks = self.chunks()
        if not chunks:
            return chunks, None
        bm25 = bm25s.BM25()
        bm25.index([_keyword_tokens(f"{c.title}\n{c.text}") for c in chunks], show_progress=False)
        return chunks, bm25

    def dense_search(self, query_vector: np.ndarray, k: int) -> list[SentenceHit]:
        """Nearest sentences by cosine similarity, best first."""
        where = self._where_committed()
        if where is None:
            raise IndexUnavailable(
                f"The index at {self._location()} holds no documents yet. Run `hpassist index` "
                f"(it reads the folders in HPASSIST_CORPUS_DIRS)."
            )
        # Search everything, then keep committed records: a filter naming every document's stamp costs more
        # than the search itself once there are thousands of documents (benchmarks/results.md). Records of an
        # interrupted run are rare; only when some come back is the search repeated with the filter.
        committed = set(self.manifest()["sources"].values())
        for attempt in ({}, {"where": where}):
            res = self._read(
                self.collection.query,
                query_embeddings=[query_vector], n_results=k, include=["metadatas", "distances"], **attempt
            )
            # A record another process (`hpassist index` beside a running server) deleted after the vector
            # search found it comes back without metadata: it is not committed either.
            found = [(m, d) for m, d in zip(res["metadatas"][0], res["distances"][0]) if m is not None]
            if all(m["sha"] in committed for m, _ in found):
                break
        return [SentenceHit(_chunk_id(m), int(m["position"]), 1.0 - float(d)) for m, d in found if m["sha"] in committed]

    def sentence_vectors(self, chunk: Chunk) -> np.ndarray:
        """Stored embeddings of a chunk's sentences, in order."""
        stamp = self.manifest()["sources"][chunk.source]
        ids = [_sentence_id(stamp, chunk, i) for i in range(len(chunk.sentences))]
        res = self._read(self.collection.get, ids=ids, include=["embeddings"])
        order = {i: n for n, i in enumerate(res["ids"])}
        return np.asarray([res["embeddings"][order[i]] for i in ids], dtype=np.float32)


def _chunk_id(metadata: dict[str, Any]) -> str:
    return f"{metadata['source']}#{metadata['chunk']}"


def _assemble(records: dict[str, Any]) -> list[Chunk]:
    """Group sentence records back into Chunks ordered by source and position."""
    rows = sorted(
        zip(records["documents"], records["metadatas"]),
        key=lambda r: (r[1]["source"], r[1]["chunk"], r[1]["position"]),
    )
    grouped: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for text, meta in rows:
        grouped.setdefault(_chunk_id(meta), []).append((text, meta))
    chunks = []
    for chunk_id, sentences in grouped.items():
        first = sentences[0][1]
        chunks.append(
            Chunk(
                id=chunk_id,
                source=first["source"],
                title=first["title"],
                date=first["date"] or None,
                language=first["language"],
                start=first["start"],
                end=sentences[-1][1]["end"],
                text="".join(m["sep"] + t for t, m in sentences),
                sentences=tuple(Span(m["start"], m["end"]) for _, m in sentences),
            )
        )
    return chunks


def _batches(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
