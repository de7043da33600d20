"""Ingestion of a user's folder: every file is indexed or skipped with a reason, and bad files harm nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.upload import text_pdf

from hpassist import cli, documents
from hpassist.documents import load_paths
from hpassist.index import Index
from hpassist.query import parse_query
from hpassist.readers import html_text, markdown_text, unwrap
from hpassist.retrieval import Retriever
from hpassist.settings import Settings

MAX_BYTES = 20_000

PDF_LINES = [
    "Lach Huyen Port Expansion Plan",
    "",
    "The People's Committee of Hai Phong approved a plan on June 12, 2025 to expand the",
    "Lach Huyen deep-water port with two new container berths worth 6.3 trillion dong. The",
    "berths are expected to open to ships of 100,000 tonnes within two years.",
    "Korean and Japanese shipping lines have asked for long-term berthing contracts at the",
    "new terminal, according to the port authority.",
    "Page 1 of 1",
]

HTML_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Hai Phong opens a new industrial park | City Portal</title>
<meta property="article:published_time" content="2025-03-14T08:00:00+07:00">
<style>body { color: red } .menu { display: none }</style>
<script>var tracking = "analytics script junk";</script></head>
<body><header><div class="logo">City Portal banner text</div>
<nav><ul><li><a href="/">Home</a></li><li><a href="/invest">Investment news and events</a></li></ul></nav></header>
<aside><h3>Most read</h3><p>A sidebar story everybody reads about something else entirely.</p></aside>
<main><article><h1>Hai Phong opens a new industrial park</h1>
<p>The city of Hai Phong opened the Nam Dinh Vu industrial park on March 14, 2025, with 1,329 hectares for factories.</p>
<p>Investors from Korea and Japan have registered <b>twelve projects</b> worth US$2.1 billion in the park so far.</p>
</article></main>
<footer><p>Copyright 2025 City Portal. All rights reserved. Head office: 18 Hoang Dieu street.</p></footer>
</body></html>"""

MENU_HTML = "<html><body><nav><a href='/'>Home</a></nav><div>Contact us</div><div>Tiếng Việt</div><div>Sitemap</div></body></html>"

MARKDOWN = """---
title: Hai Phong logistics week
date: 2024-11-02
---
# Hai Phong logistics week

The **logistics week** in Hai Phong drew [320 companies](https://example.org/list) from 14 countries in November 2024.

- Cold-chain warehouses were the most requested new service at the fair.
"""

EXPECTED = {
    "report.pdf": "",
    "news.html": "",
    "notes.md": "",
    "sub/press.md": "",
    "empty.txt": "empty",
    "photo.txt": "unreadable: binary content, not text",
    "gone.txt": "vanished before it could be read",
    "brochure.docx": "unsupported type .docx",
    "huge.txt": "too large",
    "menu.html": "no article text after removing boilerplate",
    "outside.txt": "symlink to a file outside the folder",
}


def pdf_bytes(lines: list[str]) -> bytes:
    """A valid one-page PDF showing `lines` in Helvetica."""
    return text_pdf([lines])


def make_folder(root: Path) -> Path:
    """The test folder: good PDF, HTML, Markdown files and every kind of bad file."""
    folder = root / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "report.pdf").write_bytes(pdf_bytes(PDF_LINES))
    (folder / "news.html").write_text(HTML_PAGE, encoding="utf-8")
    (folder / "menu.html").write_text(MENU_HTML, encoding="utf-8")
    (folder / "notes.md").write_text(MARKDOWN, encoding="utf-8")
    (folder / "sub" / "press.md").write_text(
        "Hai Phong signed a memorandum with Incheon on port cooperation in April 2024.\n", encoding="utf-8"
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "gone.txt").write_text("This file is deleted after listing and before reading.\n", encoding="utf-8")
    (folder / "brochure.docx").write_bytes(b"PK\x03\x04 not really a docx")
    (folder / "huge.txt").write_text("Hai Phong grows quickly every single year. " * 1000, encoding="utf-8")
    secret = root / "secret.txt"
    secret.write_text("A private file outside the indexed folder must never be read.\n", encoding="utf-8")
    (folder / "outside.txt").symlink_to(secret)
    (folder / ".hidden.txt").write_text("Dot files are ignored entirely by the folder walk.\n", encoding="utf-8")
    return folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_folder(tmp_path)


@pytest.fixture
def vanishing(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test folder, with gone.txt deleted right after the folder is listed (a file vanishing mid-run)."""
    listed = documents._candidates

    def candidates(root: Path) -> Iterator[tuple[Path, str, str]]:
        found = list(listed(root))
        (folder / "gone.txt").unlink(missing_ok=True)
        yield from found

    monkeypatch.setattr(documents, "_candidates", candidates)
    return folder


def test_every_file_is_indexed_or_skipped_with_its_reason(vanishing: Path):
    results = {r.source: r for r in load_paths([vanishing], MAX_BYTES)}
    assert set(results) == set(EXPECTED)
    for source, reason in EXPECTED.items():
        assert results[source].skipped.startswith(reason), (source, results[source].skipped)
        assert (results[source].document is not None) == (reason == "")


def test_pdf_text_title_and_date(folder: Path):
    pdf = next(r.document for r in load_paths([folder / "report.pdf"], MAX_BYTES))
    assert pdf is not None and pdf.source == "report.pdf"
    assert pdf.title == "Lach Huyen Port Expansion Plan"
    assert pdf.date == "2025-06-12" and pdf.language == "en"
    # the sentence wrapped over three printed lines comes back whole
    assert "expand the Lach Huyen deep-water port with two new container berths worth 6.3 trillion dong." in pdf.clean_text
    assert "Page 1 of 1" not in pdf.clean_text


def test_html_keeps_the_article_and_drops_the_site(folder: Path):
    page = next(r.document for r in load_paths([folder / "news.html"], MAX_BYTES))
    assert page is not None
    assert page.title == "Hai Phong opens a new industrial park"
    assert page.date == "2025-03-14"
    assert "registered twelve projects worth US$2.1 billion" in page.clean_text
    for junk in ("analytics", "color: red", "Home", "Investment news", "banner", "sidebar", "Copyright", "City Portal"):
        assert junk not in page.raw


def test_markdown_loses_its_markup():
    text = markdown_text(MARKDOWN)
    assert text.startswith("date 2024-11-02 Hai Phong logistics week\n")
    assert "The logistics week in Hai Phong drew 320 companies from 14 countries" in text
    assert "**" not in text and "](" not in text and "\n- " not in text and "\n# " not in text


def test_html_without_head_end_and_pdf_unwrapping_rules():
    assert html_text("<html><head><title>T</title><body><p>Body text stays here.</p>") == "T\n\nBody text stays here."
    assert unwrap("Short title\nA long line that runs on and on without an end\nmark here.\nNext") == (
        "Short title\nA long line that runs on and on without an end mark here.\nNext"
    )


def test_paths_are_resolved_and_missing_ones_reported(folder: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder / "sub")
    results = load_paths([Path("../notes.md"), Path("press.md"), Path("nowhere"), folder / "notes.md"], MAX_BYTES)
    assert [(r.path, r.skipped) for r in results] == [
        (folder / "notes.md", ""),
        (folder / "sub" / "press.md", ""),
        (folder / "sub" / "nowhere", "not found"),
    ]


@pytest.mark.integration
def test_cli_index_prints_the_report_and_indexes_only_good_files(
    vanishing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("HPASSIST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HPASSIST_CORPUS_DIRS", "[]")
    monkeypatch.setenv("HPASSIST_MAX_FILE_BYTES", str(MAX_BYTES))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["index", "docs"]) == 0
    report = capsys.readouterr().out
    print(report)  # the ingestion report, shown with `pytest -s`
    rows = {line.split()[1]: line.split()[0] for line in report.splitlines()[1:] if line.strip() and len(line.split()) > 1}
    for source, reason in EXPECTED.items():
        assert rows[os.path.join("docs", source)] == ("added" if not reason else "skipped")
    assert "4 added, 0 updated, 0 removed, 0 unchanged, 7 skipped" in report

    index = Index(Settings())
    assert set(index.manifest()["sources"]) == {s for s, reason in EXPECTED.items() if not reason}
    assert index.collection.count() == sum(len(c.sentences) for c in index.chunks())  # nothing half-written
    hits = Retriever(index, Settings()).search(parse_query("new container berths at Lach Huyen port", 120, 4000)).chunks
    assert hits[0].chunk.source == "report.pdf"
