"""Documents staff manage from the web chat: files uploaded into a managed folder, the indexed list, removal.

An upload never names a path: each file is stored under its own plain name in `settings.uploads_dir`, read
and embedded like any corpus file (one atomic commit per document, so a bad file stops nothing and damages
nothing), and only then moved into place. One lock serialises uploads and removals; answers see the new
set at their next question, because every index-derived cache follows the index's revision.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .documents import load_file, summary
from .index import Index, IndexUnavailable
from .schema import Chunk
from .settings import Settings

Progress = Callable[[float, str], None]  # (fraction done, what is being done)
_UNSAFE = re.compile(r"[^\w.\- ()\[\]+,&'@#%]")  # anything else in a file name becomes "_"
_MAX_NAME = 150


class LibraryError(ValueError):
    """An upload or removal that cannot be done; the message says why, in words for the user."""


@dataclass(frozen=True)
class UploadResult:
    """What happened to one uploaded file, as `hpassist index` reports it."""

    name: str  # the file name as it was uploaded
    status: str  # "added" | "updated" | "unchanged" | "skipped"
    details: str  # language, date, passages and title; or why it was skipped
    source: str = ""  # the document it is stored as, when it was read


@dataclass(frozen=True)
class DocumentEntry:
    """One indexed document as the Documents tab lists it."""

    source: str
    title: str
    language: str
    date: str | None  # at the precision the source gives: "2025-05-20", "2024-06", "2026"
    passages: int  # chunks the answers can cite
    indexed_at: str | None  # when it was last embedded (ISO time, UTC); None for indexes older than this field
    uploaded: bool  # added in the web chat, so it can be removed there


def stored_name(name: str) -> str:
    """The plain file name an upload is kept under; LibraryError for a name with folders or a hidden one."""
    name = unicodedata.normalize("NFC", name).strip()
    if re.search(r"[/\\]", name) or name in ("", ".", ".."):
        raise LibraryError("a file name may not contain folders; upload the file under its own name")
    if name.startswith("."):
        raise LibraryError("hidden file names (starting with a dot) are not accepted")
    name = _UNSAFE.sub("_", name)
    stem, dot, suffix = name.rpartition(".")
    if len(name) > _MAX_NAME:
        name = (stem[: _MAX_NAME - len(suffix) - 1] + dot + suffix) if dot else name[:_MAX_NAME]
    return name


class Library:
    """The documents of one index: add uploads, remove them, list everything indexed."""

    def __init__(self, settings: Settings, index: Index) -> None:
        self.settings = settings
        self.index = index
        self.folder = settings.uploads_dir
        self._lock = threading.Lock()

    # ----- reading ---------------------------------------------------------------------------------
    def uploaded(self) -> set[str]:
        """The names of the files in the uploads folder."""
        if not self.folder.is_dir():
            return set()
        return {p.name for p in self.folder.iterdir() if p.is_file() and not p.name.startswith(".")}

    def entries(self) -> list[DocumentEntry]:
        """Every indexed document, the most recently added first."""
        passages: dict[str, int] = {}
        first: dict[str, Chunk] = {}
        for chunk in self.index.chunks():
            passages[chunk.source] = passages.get(chunk.source, 0) + 1
            first.setdefault(chunk.source, chunk)
        times = self.index.indexed_at()
        uploaded = self.uploaded()
        entries = [
            DocumentEntry(s, c.title, c.language, c.date, passages[s], times.get(s), s in uploaded) for s, c in first.items()
        ]
        return sorted(entries, key=lambda e: (e.indexed_at or "", e.date or "", e.title), reverse=True)

    # ----- writing ---------------------------------------------------------------------------------
    def add(self, uploads: Iterable[tuple[str, Path]], progress: Progress | None = None) -> list[UploadResult]:
        """Read, embed and keep each (name, temporary path) upload; one result per file, in order. A file
        that cannot be used is skipped with its reason and leaves the index and the folder as they were."""
        uploads = list(uploads)
        report = progress or (lambda fraction, what: None)
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            elsewhere = set(self.index.manifest()["sources"]) - self.uploaded()
            taken: set[str] = set()
            results = []
            for number, (name, path) in enumerate(uploads):
                report(number / len(uploads), f"Reading {name}")
                refused = self._refusal(number, name, elsewhere, taken)
                if refused:
                    results.append(UploadResult(name, "skipped", refused))
                    continue
                source = stored_name(name)
                taken.add(source)
                embedding = lambda f, n=number: report((n + f) / len(uploads), f"Embedding {name}")  # noqa: E731
                results.append(self._keep(name, Path(path), source, embedding))
            report(1.0, "Done")
            return results

    def _refusal(self, number: int, name: str, elsewhere: set[str], taken: set[str]) -> str:
        """Why an upload cannot be kept under its name ('' when it can): the count limit, the name, or a
        document of the same name that comes from elsewhere or earlier in this upload."""
        limit = self.settings.max_upload_files
        if number >= limit:
            return f"more than {limit} files in one upload; add it in another upload"
        try:
            source = stored_name(name)
        except LibraryError as exc:
            return str(exc)
        if source in elsewhere:
            return f"a document named {source} comes from a corpus folder; rename the file"
        return "same name as another file in this upload" if source in taken else ""

    def _keep(self, name: str, path: Path, source: str, progress: Callable[[float], None]) -> UploadResult:
        """Copy the upload beside its final place, read and embed it, then move it in: a file that is not
        a usable document, or a failure at any step, leaves the previous version (or nothing) in both the
        folder and the index."""
        incoming = self.folder / f".incoming-{source}"
        try:
            shutil.copyfile(path, incoming)
            read = load_file(incoming, source, self.settings.max_upload_bytes)
            if not read.document:
                incoming.unlink(missing_ok=True)
                return UploadResult(name, "skipped", read.skipped, source)
            synced = self.index.sync([read.document], progress=lambda done, total, _: progress(done / max(total, 1)), prune=False)
            os.replace(incoming, self.folder / source)
        except (OSError, IndexUnavailable) as exc:
            incoming.unlink(missing_ok=True)
            return UploadResult(name, "skipped", f"not indexed: {exc}", source)
        status = "added" if synced.added else "updated" if synced.updated else "unchanged"
        return UploadResult(name, status, summary(read.document), source)

    def remove(self, source: str) -> None:
        """Take an uploaded document out of the index and delete its file; LibraryError when it is not an
        upload (corpus folders are managed on the server) or the index cannot be changed."""
        with self._lock:
            if source not in self.uploaded():
                raise LibraryError(f"{source} is not a document added here; corpus-folder documents are managed on the server")
            path = self.folder / source
            parked = self.folder / f".removing-{source}"
            os.replace(path, parked)  # until the index lets go of it, a restart cannot re-add a half-removed file
            try:
                self.index.remove([source])
            except IndexUnavailable as exc:
                os.replace(parked, path)
                raise LibraryError(f"{source} could not be removed: {exc}") from exc
            parked.unlink(missing_ok=True)
