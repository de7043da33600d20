"""Read source files into Documents: title, language, date, and the paragraphs left after stripping boilerplate.

Offsets always point into the text read from the file (for .txt the file itself; for .md, .html and .pdf the
text `readers` extracts), so any quote can be shown exactly as it stands there.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .domain import weight
from .language import detect_language
from .readers import SUPPORTED, read, read_text_file
from .schema import Document, Span
from .settings import Settings

__all__ = ["FileResult", "clean", "find_date", "load_folder", "load_paths", "parse_document", "read_text_file"]
log = logging.getLogger(__name__)

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
# An explicit date line (the seeds' `date 2025-05-20`, readers' front matter / meta dates), at day, month or
# year precision, among the first lines.
_DATE_HEADER = re.compile(r"^\s*date\s+((?:19|20)\d{2}(?:-\d{2}(?:-\d{2})?)?)\b\s*", re.IGNORECASE)
_HEADER_LINES = weight("documents", "header_lines")
_FULL_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b")
_ISO_DATE = re.compile(r"\b((?:19|20)\d{2})[-.](\d{1,2})[-.](\d{1,2})\b")  # 2024-09-13, 2023.10.11
_KO_DATE = re.compile(r"\b((?:19|20)\d{2})년\s*(\d{1,2})월(?:\s*(\d{1,2})일)?")
_MONTH_YEAR = re.compile(r"\btháng\s+(\d{1,2})/((?:19|20)\d{2})\b", re.IGNORECASE)
_EN_MONTHS = "january february march april may june july august september october november december".split()
_EN_DATE = re.compile(r"\b(" + "|".join(_EN_MONTHS) + r")\s+(\d{1,2})?,?\s*((?:19|20)\d{2})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:năm|in)\s+((?:19|20)\d{2})\b", re.IGNORECASE)
# A year that closes a plan's horizon ("đến năm 2030", "tầm nhìn 2050", "by 2030", "2021–2030", "2030년까지")
# never dates the document that names it.
_HORIZON_YEAR = re.compile(
    r"(?:\b(?:đến|tới|trước|tầm nhìn|by|until|through|to|vision|target|towards?)\s+(?:năm\s+)?|(?:19|20)\d{2}\s*[-–—]\s*)"
    r"((?:19|20)\d{2})\b|\b((?:19|20)\d{2})년\s*까지",
    re.IGNORECASE,
)
# A byline: the first lines of a page, where a date (often with a time, a weekday, "GMT+7") is the
# publication date of what follows.
_BYLINE_LINES = weight("documents", "byline_lines")
_TIME_STAMP = re.compile(
    r"(\b\d{1,2}[:h]\d{2}\b|\bgmt\s*[+-]\s*\d+|\b(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ nhật|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday|cập nhật|đăng|ngày|posted|published|updated|작성일|입력|수정|등록)\b"
    r"|[|,\-–:()])",
    re.IGNORECASE,
)
# Photo captions and credits ("Toàn cảnh KCN. Ảnh: TTXVN", "Photo: VNA", "사진=인사이드비나 DB").
_CAPTION = re.compile(
    r"(^|[.\s(])(ảnh|ảnh minh họa|nguồn ảnh|photo|photos|image|file photo|courtesy|사진|자료사진)\s*[:=]\s*[^.]{1,80}\)?\.?\s*$"
    r"|^\s*\((?:ảnh|photo|사진)[^)]*\)",
    re.IGNORECASE,
)
# Breadcrumbs and menus: three or more short items between |, >, », › or ·, or two between >, » or ›
# ("Trang chủ › Kinh tế › Đầu tư", "Download investor handbook | Contact the IP Management Board | Back to top").
_MENU_ITEM = r"[^|>»›·]{1,40}"
_MENU = re.compile(
    rf"^\s*{_MENU_ITEM}(?:\s*[|>»›·]\s*{_MENU_ITEM}){{2,}}\s*$|^\s*{_MENU_ITEM}(?:\s*[>»›]\s*{_MENU_ITEM})+\s*$"
)
_TIME_OF_DAY = re.compile(r"\b\d{1,2}:\d{2}\b")
# Credits and copyright lines wherever the sign stands ("Copyright © VNA", "저작권자 © 무단전재 금지").
_CREDIT = re.compile(r"©|\b(all rights reserved|bản quyền thuộc|ghi rõ nguồn|reproduction without permission)\b|저작권자", re.IGNORECASE)
_CREDIT_WORDS = weight("documents", "credit_words")
# Links to other articles: "▶ 관련기사: …", "Related news: …", "Tin liên quan: …", "Xem thêm: …".
_RELATED = re.compile(r"^\W*(관련\s?기사|related (?:news|articles?|stories)|read more|see also|tin liên quan|xem thêm|bài liên quan)\b", re.IGNORECASE)
# Bracketed labels of pictures and charts: "[Photo] Assembly line at …", "[Chart] Average rent …", "[사진]".
_MEDIA_LABEL = re.compile(r"^\s*\[(photo|photos|image|chart|graphic|infographic|video|map|ảnh|biểu đồ|đồ họa|사진|그래픽|표|차트)\]", re.IGNORECASE)
_SHORT_LINE = weight("documents", "short_line")
# A news agency's place and desk before the first sentence: "[하노이=경제부]", "[Seoul=Yonhap]".
_DESK_PREFIX = re.compile(r"^\s*\[[^\]=]{1,30}=[^\]]{1,40}\]\s*")
_MIN_WORDS = weight("documents", "min_words")


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
    count = len(text.split())
    short = count <= _SHORT_LINE
    return (
        count >= _MIN_WORDS
        and not (_CREDIT.search(text) and count <= _CREDIT_WORDS)
        and not _MEDIA_LABEL.match(text)
        and not _RELATED.match(text)
        and not (short and (_TIME_OF_DAY.search(text) or "|" in text))
        and not _JUNK_LINE.match(text)
        and not _MENU.match(text)
        and not _CAPTION.search(text)
        and not _is_timestamp(text)
    )


def _is_timestamp(text: str) -> bool:
    """A byline line of dates, times and weekdays only ("Thứ Hai, 12/08/2024 - 09:15 GMT+7")."""
    rest = _TIME_STAMP.sub(" ", _dates_removed(text))
    return rest != text and len(re.findall(r"[^\W\d_]{2,}", rest)) <= 1


def _dates_removed(text: str) -> str:
    for pattern in (_FULL_DATE, _ISO_DATE, _KO_DATE, _MONTH_YEAR, _EN_DATE):
        text = pattern.sub(" ", text)
    return text


def _header_date(raw: str) -> str | None:
    """The date of an explicit `date …` line among the first lines, at the precision it gives."""
    for line in _lines(raw)[:_HEADER_LINES]:
        header = _DATE_HEADER.match(line.text)
        if header:
            return header.group(1)
    return None


def clean(raw: str) -> tuple[str | None, tuple[Span, ...]]:
    """Return (title line or None, spans of the content paragraphs) of a raw article."""
    kept: list[Span] = []
    title: str | None = None
    for number, line in enumerate(_lines(raw)):
        if _TAIL_MARKERS.match(line.text):
            break
        span, text = line.span, line.text
        header = _DATE_HEADER.match(text) if number < _HEADER_LINES else None
        if header:
            span, text = Span(span.start + header.end(), span.end), text[header.end() :]
        desk = _DESK_PREFIX.match(text)
        if desk:
            span, text = Span(span.start + desk.end(), span.end), text[desk.end() :]
        if _JUNK_LINE.match(text) or not _is_prose(text) or text == title:  # the headline again as body
            continue
        if title is None and not kept and not re.search(r"[.!?…:;,]$", text) and len(text) <= 200:
            title = text
        kept.append(span)
    return title, tuple(kept)


def _date_key(iso: str) -> tuple[int, ...]:
    return tuple(int(p) for p in iso.split("-"))


def _dates_in(text: str) -> list[str]:
    """Every date the text states, as ISO strings at their precision (day, month or year)."""
    found: list[str] = []
    for d, m, y in _FULL_DATE.findall(text):
        if 1 <= int(m) <= 12 and 1 <= int(d) <= 31:
            found.append(f"{y}-{int(m):02d}-{int(d):02d}")
    for y, m, d in _ISO_DATE.findall(text):
        if 1 <= int(m) <= 12 and 1 <= int(d) <= 31:
            found.append(f"{y}-{int(m):02d}-{int(d):02d}")
    for y, m, d in _KO_DATE.findall(text):
        if 1 <= int(m) <= 12 and (not d or 1 <= int(d) <= 31):
            found.append(f"{y}-{int(m):02d}-{int(d):02d}" if d else f"{y}-{int(m):02d}")
    for m, y in _MONTH_YEAR.findall(text):
        if 1 <= int(m) <= 12:
            found.append(f"{y}-{int(m):02d}")
    for month, day, y in _EN_DATE.findall(text):
        month_no = _EN_MONTHS.index(month.lower()) + 1
        found.append(f"{y}-{month_no:02d}-{int(day):02d}" if day else f"{y}-{month_no:02d}")
    horizons = {y for pair in _HORIZON_YEAR.findall(text) for y in pair if y}
    found.extend(y for y in _YEAR.findall(text) if y not in horizons)
    return found


def find_date(raw: str, text: str, today: date | None = None) -> str | None:
    """The publication date: an explicit `date` line; else the first day-precise date of the byline (the
    page's first lines); else the latest date stated in the text. Plan horizons ("đến năm 2030") and
    dates after `today` never date a document."""
    limit = _date_key((today or date.today()).isoformat())

    def possible(found: list[str]) -> list[str]:
        return [d for d in found if _date_key(d)[: len(_date_key(d))] <= limit[: len(_date_key(d))]]

    header = _header_date(raw)
    if header and possible([header]):
        return header
    for line in _lines(raw)[:_BYLINE_LINES]:
        if not _is_prose(line.text) or _TIME_OF_DAY.search(line.text):
            days = [d for d in possible(_dates_in(line.text)) if d.count("-") == 2]
            if days:
                return days[0]
    found = possible(_dates_in(text))
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


def summary(document: Document) -> str:
    """One line on what was read: language, date, paragraphs kept and the title."""
    d = document
    return f"{d.language}, {d.date or 'undated'}, paragraphs: {len(d.paragraphs)}, “{d.title[:60]}”"


@dataclass(frozen=True)
class FileResult:
    """One input file: the Document read from it, or why it was skipped."""

    path: Path
    source: str  # the Document's id: the path relative to the folder given, or the file name
    document: Document | None = None
    skipped: str = ""  # the reason, when there is no document


def load_paths(paths: Iterable[Path], max_bytes: int) -> list[FileResult]:
    """Read every supported file under `paths` (folders or files); a bad file is reported, never raised."""
    results: list[FileResult] = []
    seen: set[Path] = set()
    loaded: dict[str, Path] = {}
    for root in dict.fromkeys(Path(p).expanduser().resolve() for p in paths):
        for path, source, problem in _candidates(root):
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            result = FileResult(path, source, skipped=problem) if problem else load_file(path, source, max_bytes)
            if result.document and source in loaded:
                result = FileResult(path, source, skipped=f"same name as {loaded[source]}")
            if result.document:
                loaded[source] = path
            results.append(result)
    return results


def _candidates(root: Path) -> Iterator[tuple[Path, str, str]]:
    """(path, source, reason to skip or '') for a file, or for each file in a folder tree (dot-entries ignored)."""
    if not root.exists():
        yield root, root.name, "not found"
        return
    if not root.is_dir():
        yield root, root.name, ""
        return
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        for name in sorted(d for d in dirs if not d.startswith(".") and (here / d).is_symlink()):
            yield here / name, (here / name).relative_to(root).as_posix(), "symlinked folder, not followed"
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(f for f in files if not f.startswith(".")):
            path = here / name
            yield path, path.relative_to(root).as_posix(), _link_problem(path, root)


def _link_problem(path: Path, root: Path) -> str:
    """Why a symlink must not be followed ('' for plain files and links that stay inside `root`)."""
    if not path.is_symlink():
        return ""
    if not path.exists():
        return "broken symlink"
    return "" if path.resolve().is_relative_to(root) else "symlink to a file outside the folder"


def load_file(path: Path, source: str, max_bytes: int) -> FileResult:
    """Read and parse one file as document `source`, turning every failure into a reason to skip it."""
    if path.suffix.lower() not in SUPPORTED:
        return FileResult(path, source, skipped=f"unsupported type {path.suffix.lower() or '(none)'}")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return FileResult(path, source, skipped="not a regular file")
        if info.st_size > max_bytes:
            return FileResult(path, source, skipped=f"too large ({info.st_size:,} bytes > {max_bytes:,})")
        text = read(path)
    except FileNotFoundError:
        return FileResult(path, source, skipped="vanished before it could be read")
    except OSError as exc:
        return FileResult(path, source, skipped=f"unreadable: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - Unreadable, or a parser failing on a malformed file
        return FileResult(path, source, skipped=f"unreadable: {exc}")
    if not text.strip():
        return FileResult(path, source, skipped="empty")
    document = parse_document(source, text)
    if not document.paragraphs:
        return FileResult(path, source, skipped="no article text after removing boilerplate")
    return FileResult(path, source, document)


def load_folder(folder: Path, max_bytes: int = Settings.model_fields["max_file_bytes"].default) -> list[Document]:
    """Load every supported document under a folder, sorted by path; skipped files are logged."""
    documents = []
    for result in load_paths([folder], max_bytes):
        if result.document:
            documents.append(result.document)
        else:
            log.warning("skipped %s: %s", result.path, result.skipped)
    return documents
