"""Turn one file into plain text by its type: .txt as is, .md without markup, .html without site furniture, .pdf.

The text returned is what `documents.parse_document` reads (title, date, language, paragraphs) and what
citations quote. HTML and Markdown front matter dates become a leading `date YYYY-MM-DD` header, as in the seeds.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from pypdf import PdfReader

TEXT_TYPES = {".txt", ".md", ".markdown"}
HTML_TYPES = {".html", ".htm"}
SUPPORTED = TEXT_TYPES | HTML_TYPES | {".pdf"}


class Unreadable(ValueError):
    """The file's content cannot be turned into text; the message says why."""


# ----- plain text -----------------------------------------------------------------------------------
def read_text_file(path: Path) -> str:
    """Read a text file as UTF-8 (BOM tolerated); reject binary content with a clear error."""
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise Unreadable("binary content, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable(f"not valid UTF-8 text ({exc.reason} at byte {exc.start})") from exc


# ----- Markdown -------------------------------------------------------------------------------------
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_FRONT_FIELD = re.compile(r"^(title|date)\s*:\s*[\"']?(.*?)[\"']?\s*$", re.MULTILINE | re.IGNORECASE)
_MD_RULES = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE), ""),  # heading marks
    (re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", re.MULTILINE), ""),  # list bullets
    (re.compile(r"^[ \t]*>(?!>)[ \t]?", re.MULTILINE), ""),  # block quotes (not `>>>` link lines)
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
]


def markdown_text(markdown: str) -> str:
    """Markdown without its markup; a front matter title/date becomes the seeds' `date …` title line."""
    header = ""
    front = _FRONT_MATTER.match(markdown)
    if front:
        fields = {k.lower(): v for k, v in _FRONT_FIELD.findall(front.group(1))}
        markdown = markdown[front.end() :]
        header = _header(fields.get("date", ""), fields.get("title", ""))
    for pattern, replacement in _MD_RULES:
        markdown = pattern.sub(replacement, markdown)
    return header + markdown


def _header(date: str, title: str) -> str:
    """`date YYYY-MM-DD Title` (either part optional; a month- or year-only date keeps its precision) as a
    first line, or '' when there is neither."""
    day = re.match(r"(?:19|20)\d{2}(?:-\d{2}(?:-\d{2})?)?(?![\d])", date.strip())
    line = " ".join(part for part in (f"date {day.group(0)}" if day else "", title.strip()) if part)
    return line + "\n\n" if line else ""


# ----- HTML -----------------------------------------------------------------------------------------
_DROPPED = {
    "head", "script", "style", "noscript", "template", "svg", "iframe",
    "nav", "header", "footer", "aside", "form", "button", "select",
}  # fmt: skip
_BLOCKS = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl",
    "dt", "dd", "tr", "table", "blockquote", "pre", "br", "hr", "figure", "figcaption", "address", "caption",
}  # fmt: skip
_DATE_META = {"article:published_time", "datepublished", "date", "pubdate", "publishdate", "dc.date", "dcterms.date"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


class _PageText(HTMLParser):
    """Collects the text blocks of a page outside site furniture, plus its title, first h1 and date."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.title = ""
        self.h1 = ""
        self.date = ""
        self._words: list[str] = []
        self._dropped = 0
        self._capture: str | None = None
        self._captured: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open dropped regions, break blocks, start title/h1 capture, note a publication date."""
        if tag in _BLOCKS:
            self._flush()
        if tag == "body":
            self._dropped = 0  # in case </head> was left out
        if tag in _DROPPED:
            self._dropped += 1
        if tag in ("title", "h1") and not getattr(self, tag):
            self._capture, self._captured = tag, []
        found = dict(attrs)
        if tag == "meta" and (found.get("property") or found.get("name") or found.get("itemprop") or "").lower() in _DATE_META:
            self.date = self.date or (found.get("content") or "")
        if tag == "time" and not self._dropped:
            self.date = self.date or (found.get("datetime") or "")

    def handle_endtag(self, tag: str) -> None:
        """Close dropped regions, break blocks, finish title/h1 capture."""
        if tag in _DROPPED and self._dropped:
            self._dropped -= 1
        if tag in _BLOCKS:
            self._flush()
        if tag == self._capture:
            setattr(self, tag, " ".join("".join(self._captured).split()))
            self._capture = None

    def handle_data(self, data: str) -> None:
        """Keep text outside dropped regions; the title and h1 are captured wherever they stand."""
        if self._capture:
            self._captured.append(data)
        if not self._dropped:
            self._words.append(data)

    def _flush(self) -> None:
        block = " ".join("".join(self._words).split())
        if block:
            self.blocks.append(block)
        self._words = []

    def text(self) -> str:
        """Title line (h1, else <title>), then one line per block; a repeat of the title is left out."""
        self._flush()
        title = self.h1 or self.title
        body = "\n".join(b for b in self.blocks if b != title)
        return _header(self.date, title) + body


def html_text(html: str) -> str:
    """The readable text of an HTML page without scripts, styles, navigation, headers, footers and asides."""
    parser = _PageText()
    parser.feed(html)
    parser.close()
    return parser.text()


def _decode_html(path: Path) -> str:
    """Decode a page as UTF-8 or as the charset its <meta> declares."""
    data = path.read_bytes()
    declared = _CHARSET.search(data[:4096])
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") or not declared else declared.group(1).decode()
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise Unreadable(f"cannot decode as {encoding} ({exc})") from exc


# ----- PDF ------------------------------------------------------------------------------------------
_LINE_END = re.compile(r"[.!?…:;]$")
_PAGE_NUMBER = re.compile(r"^(?:(?:page|trang|페이지)\s*)?\d+(?:\s*(?:of|/|trên)\s*\d+)?$", re.IGNORECASE)


def unwrap(page: str) -> str:
    """Drop page-number lines and join lines wrapped mid-sentence (a long line without end punctuation)."""
    lines = [line.strip() for line in page.splitlines() if line.strip() and not _PAGE_NUMBER.match(line.strip())]
    width = max((len(line) for line in lines), default=0)
    out: list[str] = []
    last = ""  # the previous line as printed
    for line in lines:
        if out and len(last) >= 0.6 * width and not _LINE_END.search(last):
            out[-1] += ("" if last.endswith("-") else " ") + line
        else:
            out.append(line)
        last = line
    return "\n".join(out)


def pdf_text(path: Path) -> str:
    """The text layer of a PDF, page by page, with wrapped lines joined."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise Unreadable("encrypted PDF")
        return "\n\n".join(unwrap(page.extract_text() or "") for page in reader.pages)
    except (Unreadable, OSError):
        raise
    except Exception as exc:  # pypdf raises many types on malformed files
        raise Unreadable(f"not a readable PDF ({type(exc).__name__}: {exc})") from exc


# ----- by type --------------------------------------------------------------------------------------
def read(path: Path) -> str:
    """The text of a supported file; Unreadable for bad content, OSError when the file cannot be read."""
    suffix = path.suffix.lower()
    if suffix in HTML_TYPES:
        return html_text(_decode_html(path))
    if suffix == ".pdf":
        return pdf_text(path)
    if suffix == ".txt":
        return read_text_file(path)
    if suffix in TEXT_TYPES:
        return markdown_text(read_text_file(path))
    raise Unreadable(f"unsupported type {suffix or '(none)'}")
