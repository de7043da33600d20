"""Split Documents into sentences and pack whole sentences into token-bounded Chunks."""

from __future__ import annotations

import re

from .domain import weight
from .schema import Chunk, Document, Span
from .tokens import count_tokens

# Abbreviations after which a full stop does not end a sentence.
_ABBREV = re.compile(r"(?:\b(?:TP|Tp|Mr|Mrs|Ms|Dr|St|No|Co|Ltd|Inc|Corp|v\.v|U\.S|e\.g|i\.e|vs|Jr|Sr)\.|\b[A-Z]\.)$")
# A sentence ends at . ! ? … before a space and a capital, a digit or Hangul (Korean has no capitals).
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"”’)]?\s+(?=[\"“‘(\[]?[A-ZÀ-ỸĐ0-9\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3])")
_MAX_SENTENCE_TOKENS = weight("chunking", "max_sentence_tokens")
_LIST_TOKENS = weight("chunking", "list_tokens")
# Bump when the way documents are cleaned or cut changes: the index then re-embeds every document (Index.stamp).
LAYOUT_VERSION = 5


def _split_long(raw: str, span: Span) -> list[Span]:
    """Split an overlong sentence at '; ' separators outside brackets ("14 KCN (3 KCN 1993-2007; 9 KCN …)"
    stays whole), keeping offsets."""
    text = raw[span.start : span.end]
    if count_tokens(text) <= _MAX_SENTENCE_TOKENS or ";" not in text:
        return [span]
    parts, start = [], 0
    for m in re.finditer(r";\s+", text):
        if text.count("(", start, m.start()) > text.count(")", start, m.start()):
            continue
        parts.append(Span(span.start + start, span.start + m.start() + 1))
        start = m.end()
    parts.append(Span(span.start + start, span.end))
    return [p for p in parts if raw[p.start : p.end].strip()]


def split_sentences(raw: str, paragraph: Span) -> list[Span]:
    """Sentence spans inside one paragraph of `raw`."""
    text = raw[paragraph.start : paragraph.end]
    spans, start = [], 0
    for m in _BOUNDARY.finditer(text):
        head = text[start : m.start()]
        if _ABBREV.search(head.rstrip("\"”’)")):
            continue
        end = m.start() + len(m.group(0).rstrip())
        spans.append(Span(paragraph.start + start, paragraph.start + end))
        start = m.end()
    spans.append(Span(paragraph.start + start, paragraph.end))
    out: list[Span] = []
    for s in spans:
        if raw[s.start : s.end].strip():
            out.extend(_split_long(raw, s))
    return out


def _sentences(doc: Document) -> list[tuple[int, Span]]:
    """(paragraph number, span) of every sentence. A lead-in ending in ":" and the one-sentence paragraphs that
    list after it ("By 2030 Bac Ninh aims to:" / "grow GRDP by 8–9% a year on average;" / …, up to an item
    ending in a full stop) are one sentence, up to `list_tokens`: an item alone does not say whose goal it is."""
    out: list[tuple[int, Span]] = []
    listing = False
    for number, paragraph in enumerate(doc.paragraphs):
        spans = split_sentences(doc.raw, paragraph)
        if listing and len(spans) == 1:
            merged = Span(out[-1][1].start, spans[0].end)
            if count_tokens(doc.text_of(merged)) <= _LIST_TOKENS:
                out[-1] = (out[-1][0], merged)
                listing = not doc.text_of(spans[0]).rstrip().endswith((".", "!", "?", "…"))
                continue
        out.extend((number, span) for span in spans)
        listing = bool(spans) and doc.text_of(spans[-1]).rstrip().endswith(":")
    return out


def _chunk_text(doc: Document, sentences: list[tuple[int, Span]]) -> str:
    """Sentences joined by a space inside a paragraph and a newline across paragraphs."""
    pieces: list[str] = []
    for i, (para, span) in enumerate(sentences):
        if i:
            pieces.append("\n" if para != sentences[i - 1][0] else " ")
        pieces.append(doc.text_of(span))
    return "".join(pieces)


def chunk_document(doc: Document, max_tokens: int) -> list[Chunk]:
    """Pack consecutive sentences into chunks of at most `max_tokens` (a longer sentence stands alone)."""
    groups: list[list[tuple[int, Span]]] = [[]]
    used = 0
    for para_no, span in _sentences(doc):
        n = count_tokens(doc.text_of(span))
        if groups[-1] and used + n > max_tokens:
            groups.append([])
            used = 0
        groups[-1].append((para_no, span))
        used += n
    return [
        Chunk(
            id=f"{doc.source}#{i}",
            source=doc.source,
            title=doc.title,
            date=doc.date,
            language=doc.language,
            start=group[0][1].start,
            end=group[-1][1].end,
            text=_chunk_text(doc, group),
            sentences=tuple(span for _, span in group),
        )
        for i, group in enumerate(groups)
        if group
    ]
