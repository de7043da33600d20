"""Read source files into Documents: title, language, date, and the paragraphs left after stripping boilerplate.

Offsets always point into the file's original text, so any quote can be shown exactly as published.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .language import detect_language
from .schema import Document, Span

# A line that opens a block of site furniture: everything from it to the end of the file is dropped.
_TAIL_MARKERS = re.compile(
    r"^\s*(tin bài liên quan|các tin bài khác|tin liên quan|đọc nhiều|có thể bạn quan tâm|tin cùng chuyên mục"
    r"|xem thêm|related news|related articles|read more|most read|you may be interested)\s*:?\s*$",
    re.IGNORECASE,
)
# Single lines that are furniture wherever they stand.
_JUNK_LINE = re.compile(
    r"^\s*(>>>.*|!\[.*\]\(.*\).*|\|.*\|\s*|(editor-in-chief|head office|tổng biên tập|trụ sở|copyright|bản quyền|©)\b.*"
    r"|tiếng việt|english|hai phong portal|cổng thông tin điện tử.*|chia sẻ|share|print|in bài|\(ảnh:.*\)\.?)\s*$",
    re.IGNORECASE,
)
_DATE_HEADER = re.compile(r"^\s*date\s+(\d{4})-(\d{2})-(\d{2})\s*", re.IGNORECASE)
_FULL_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b")
_MONTH_YEAR = re.compile(r"\btháng\s+(\d{1,2})/((?:19|20)\d{2})\b", re.IGNORECASE)
_EN_MONTHS = "january february march april may june july august september october november december".split()
_EN_DATE = re.compile(r"\b(" + "|".join(_EN_MONTHS) + r")\s+(\d{1,2})?,?\s*((?:19|20)\d{2})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:năm|in)\s+((?:19|20)\d{2})\b", re.IGNORECASE)
_MIN_WORDS = 4  # shorter lines without sentence punctuation are navigation, unless they are the title


@dataclass(frozen=True)
class _Line:
    span: Span
    text: str


def _lines(raw: str) -> list[_Line]:
    """Split into non-empty lines, each trimmed, with its span in `raw`."""
    out = []
    for m in re.finditer(r"[^\n]+", raw):
        text = m.group(0)
        lead = len(text) - len(text.lstrip())
        body = text.strip()
        if body:
            out.append(_Line(Span(m.start() + lead, m.start() + lead + len(body)), body))
    return out


def _is_prose(text: str) -> bool:
    return len(text.split()) >= _MIN_WORDS and not _JUNK_LINE.match(text)


def clean(raw: str) -> tuple[str | None, tuple[Span, ...]]:
    """Return (title line or None, spans of the content paragraphs) of a raw article."""
    kept: list[Span] = []
    title: str | None = None
    for line in _lines(raw):
        if _TAIL_MARKERS.match(line.text):
            break
        span, text = line.span, line.text
        header = _DATE_HEADER.match(text)
        if header:
            span, text = Span(span.start + header.end(), span.end), text[header.end() :]
        if _JUNK_LINE.match(text):
            continue
        if not _is_prose(text):
            continue
        if title is None and not kept and not re.search(r"[.!?…:;,]$", text) and len(text) <= 200:
            title = text
        kept.append(span)
    return title, tuple(kept)


def _date_key(iso: str) -> tuple[int, ...]:
    return tuple(int(p) for p in iso.split("-"))


def find_date(raw: str, text: str) -> str | None:
    """The publication date: an explicit `date` header, else the latest dated event in the text."""
    header = _DATE_HEADER.match(raw)
    if header:
        return "-".join(header.groups())
    found: list[str] = []
    for d, m, y in _FULL_DATE.findall(text):
        if 1 <= int(m) <= 12 and 1 <= int(d) <= 31:
            found.append(f"{y}-{int(m):02d}-{int(d):02d}")
    for m, y in _MONTH_YEAR.findall(text):
        if 1 <= int(m) <= 12:
            found.append(f"{y}-{int(m):02d}")
    for month, day, y in _EN_DATE.findall(text):
        month_no = _EN_MONTHS.index(month.lower()) + 1
        found.append(f"{y}-{month_no:02d}-{int(day):02d}" if day else f"{y}-{month_no:02d}")
    found.extend(_YEAR.findall(text))
    return max(found, key=_date_key) if found else None


def _short_title(text: str, limit: int = 90) -> str:
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"


def parse_document(source: str, raw: str) -> Document:
    """Build a Document from a file's name and text."""
    title, paragraphs = clean(raw)
    body = "\n".join(raw[p.start : p.end] for p in paragraphs)
    if title is None:
        title = _short_title(body) if body else source
    return Document(
        source=source,
        title=title,
        language=detect_language(body),
        date=find_date(raw, body),
        raw=raw,
        paragraphs=paragraphs,
        sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
    )


def read_text_file(path: Path) -> str:
    """Read a text file as UTF-8 (BOM tolerated); reject binary content with a clear error."""
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ValueError(f"{path.name}: binary content, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path.name}: not valid UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def load_folder(folder: Path) -> list[Document]:
    """Load every .txt/.md document of a folder, sorted by name."""
    return [parse_document(p.name, read_text_file(p)) for p in sorted(folder.iterdir()) if p.suffix in {".txt", ".md"}]
