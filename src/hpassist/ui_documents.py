"""The web chat's Documents tab: the indexed documents; where the settings allow, upload (with a progress
bar and a per-file report) and removal (with a confirmation). The work itself is `library.Library`'s."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from .library import DocumentEntry, Library, LibraryError, UploadResult
from .settings import Settings
from .ui_html import escape

_LANGUAGES = {"en": "English", "vi": "Vietnamese", "ko": "Korean"}
_PRECISION = {1: " (year)", 2: " (month)", 3: ""}


@dataclass
class DocumentsTab:
    """The tab's components that change when the documents do, and how to refresh them."""

    listing: gr.HTML
    choice: gr.Dropdown | None
    refresh: Callable[[], tuple[Any, ...]]

    @property
    def outputs(self) -> list[Any]:
        return [self.listing] + ([self.choice] if self.choice is not None else [])


def documents_tab(library: Library, settings: Settings) -> DocumentsTab:
    """Build the tab inside the current Blocks; the caller refreshes `outputs` when a page loads."""
    manage = settings.manages_documents
    choice = None
    with gr.Tab("Documents", id="documents", elem_id="documents-tab"):
        if manage:
            gr.Markdown(
                f"Add documents (.txt, .md, .html, .pdf; up to {settings.max_upload_files} files of "
                f"{settings.max_upload_bytes / 1e6:g} MB each at a time). They are read and embedded here, "
                "and the chat answers from them at once."
            )
            upload = gr.File(
                label="Drop files here or click to choose", file_count="multiple", type="filepath", elem_id="doc-upload"
            )
            report = gr.HTML("", elem_id="doc-report", padding=True)
        listing = gr.HTML(_list_html([], manage), elem_id="doc-list", padding=True)
        if manage:
            with gr.Row(equal_height=True):
                choice = gr.Dropdown(label="Remove a document added here", choices=[], elem_id="doc-remove-choice", scale=4)
                ask = gr.Button("Remove…", elem_id="doc-remove", scale=1)
            with gr.Group(visible=False, elem_id="doc-confirm") as confirm:
                prompt = gr.HTML("", elem_id="doc-confirm-text", padding=True)
                with gr.Row():
                    yes = gr.Button("Yes, remove it", variant="stop", elem_id="doc-confirm-yes")
                    no = gr.Button("Cancel", elem_id="doc-confirm-no")
            status = gr.HTML("", elem_id="doc-status")

    def refresh() -> tuple[Any, ...]:
        """The list and the removal choices as they are now."""
        entries = library.entries()
        shown = (_list_html(entries, manage),)
        if not manage:
            return shown
        removable = [(f"{e.title[:80]} — {e.source}", e.source) for e in entries if e.uploaded]
        return shown + (gr.update(choices=removable, value=None),)

    tab = DocumentsTab(listing, choice, refresh)
    if not manage:
        return tab

    def add(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        """Index the uploaded files; the per-file report, the refreshed list, and an emptied drop area."""
        paths = [Path(f) for f in files or []]
        try:
            results = library.add([(p.name, p) for p in paths], lambda f, what: progress(f, desc=what))
        finally:
            for path in paths:  # Gradio's temporary copy; the kept one is in the uploads folder
                path.unlink(missing_ok=True)
        return (_report_html(results), *refresh(), None)

    def confirm_removal(source: str | None) -> tuple[Any, ...]:
        """Ask before removing: the question naming the document, or why there is nothing to remove."""
        entry = next((e for e in library.entries() if e.source == source and e.uploaded), None)
        if entry is None:
            return gr.update(visible=False), "", _status("Choose a document added here first.", error=True)
        text = f"<p>Remove <strong>{escape(entry.title)}</strong> ({escape(entry.source)})? Answers will no longer use it.</p>"
        return gr.update(visible=True), text, ""

    def remove(source: str | None) -> tuple[Any, ...]:
        """Remove the chosen document; the outcome, the refreshed list, and the confirmation hidden."""
        try:
            library.remove(source or "")
            message = _status(f"Removed {source}. Answers no longer use it.")
        except (LibraryError, OSError) as exc:
            message = _status(str(exc), error=True)
        return (gr.update(visible=False), message, *refresh())

    private = {"api_visibility": "private", "concurrency_id": "documents", "concurrency_limit": 1}
    upload.upload(add, upload, [report, *tab.outputs, upload], show_progress="full", **private)
    ask.click(confirm_removal, choice, [confirm, prompt, status], **private)
    yes.click(remove, choice, [confirm, status, *tab.outputs], **private)
    no.click(lambda: gr.update(visible=False), None, confirm, **private)
    return tab


def _list_html(entries: list[DocumentEntry], manage: bool) -> str:
    """The indexed documents as a table: title, language, date at its precision, file, passages, when added."""
    if not entries:
        return '<p class="hp-note">No documents are indexed yet.</p>'
    rows = "\n".join(
        f'<tr data-source="{escape(e.source)}"><td>{escape(e.title)}</td><td>{_LANGUAGES.get(e.language, escape(e.language))}</td>'
        f"<td>{_date(e.date)}</td><td>{escape(e.source)}</td><td>{e.passages}</td>"
        f"<td>{escape(_when(e.indexed_at))}</td><td>{'added here' if e.uploaded else 'corpus folder'}</td></tr>"
        for e in entries
    )
    note = " Documents added here can be removed below; corpus-folder ones are managed on the server." if manage else ""
    return (
        f'<p class="hp-note">{len(entries)} documents indexed.{note}</p>'
        '<table class="hp-docs"><thead><tr><th>Title</th><th>Language</th><th>Date</th><th>File</th>'
        f"<th>Passages</th><th>Added</th><th>From</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _report_html(results: list[UploadResult]) -> str:
    """The per-file outcome of one upload, as `hpassist index` prints it, then a one-line summary."""
    if not results:
        return ""
    rows = "\n".join(
        f'<tr class="hp-{r.status}"><td>{r.status}</td><td>{escape(r.name)}</td><td>{escape(r.details)}</td></tr>'
        for r in results
    )
    counts = {s: sum(r.status == s for r in results) for s in ("added", "updated", "unchanged", "skipped")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    return (
        f'<p class="hp-note">Upload done: {summary}.</p><table class="hp-docs hp-report"><thead><tr><th>Status</th>'
        f"<th>File</th><th>Details</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _status(text: str, error: bool = False) -> str:
    return f'<p class="hp-note{" hp-error" if error else ""}">{escape(text)}</p>'


def _date(iso: str | None) -> str:
    """A date as precise as its source: "2025-05-20", "2024-06 (month)", "2026 (year)"."""
    return escape(iso + _PRECISION.get(iso.count("-") + 1, "")) if iso else "undated"


def _when(iso: str | None) -> str:
    """'2026-12-02 15:04 UTC' from an ISO time; '—' when the index did not record it."""
    return f"{iso[:10]} {iso[11:16]} UTC" if iso else "—"
