"""The web chat in headless Chromium: a streamed, cited answer, its sources and chart, a follow-up, the Documents
tab, and no outside requests."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from hpassist.settings import REPO_ROOT

from fakes import EchoFirstFact
from webchat import serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTPUT = REPO_ROOT / "test-output"
ANSWER_MS = 300_000  # the first answer of a session also loads the model

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/setup.sh installs it)"),
]



@pytest.fixture(scope="module")
def url(assistant) -> Iterator[str]:
    """The web chat for the session's real assistant, on a free loopback port."""
    with serving(assistant) as local_url:
        yield local_url


@pytest.fixture
def outside() -> list[str]:
    """Requests the page made to hosts other than this machine."""
    return []


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module's tests (each gets a fresh page)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, url: str, outside: list[str]):
    """A fresh page on the real assistant's web chat."""
    yield from _page(browser, url, outside)


def _page(browser, url: str, outside: list[str]):
    """A fresh page on the web chat, recording requests that leave this machine."""

    def record(request) -> None:
        if urlparse(request.url).hostname not in ("127.0.0.1", "localhost"):
            outside.append(request.url)

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.on("request", record)
    page.goto(url)
    yield page
    context.close()


def _lines(path: Path) -> list[str]:
    """The lines of a file, none when it does not exist yet."""
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def _ask(page, question: str, turn: int) -> float:
    """Type a question, return the seconds until its answer's first text shows, then wait for its sources."""
    from playwright.sync_api import expect

    box = page.locator("#question textarea")
    box.fill(question)
    started = time.perf_counter()
    box.press("Enter")
    page.locator("#chat [data-testid='bot']").nth(turn - 1).wait_for(timeout=ANSWER_MS)
    first_text = time.perf_counter() - started
    expect(page.locator("#sources")).not_to_contain_text("Searching the documents", timeout=ANSWER_MS)
    return first_text


def test_chat_streams_a_cited_answer_with_sources_and_a_chart(page, outside: list[str], settings) -> None:
    from playwright.sync_api import expect

    for example in ("How much has Korea invested in Hai Phong?", "Hàn Quốc đã đầu tư bao nhiêu vào Hải Phòng?"):
        expect(page.locator("#chat").get_by_text(example)).to_be_visible()

    first_token = _ask(page, "How much has Korea invested in Hai Phong?", 1)
    print(f"\nquestion -> first streamed token in the browser: {first_token:.1f} s (first question of the session)")
    answer = page.locator("#chat [data-testid='bot']").nth(0)
    expect(answer).to_contain_text("[1]")
    expect(page.locator("#sources mark", has_text="15,4 tỷ USD")).to_be_visible()

    answer.locator("a.hp-cite", has_text="[1]").first.click()
    expect(page.locator("#hp-src-1-1")).to_be_in_viewport()

    # The answer reports a figure that changed over time (the seed corpus reports Korea's investment at several
    # dates): the sources panel charts it, a point per source, each linked to its cited passage.
    charts = page.locator("#sources details[open] figure.hp-trend")
    expect(charts.first).to_be_visible()
    sizes = [int(chart.get_attribute("data-points")) for chart in charts.all()]
    for chart, size in zip(charts.all(), sizes):
        assert size >= 2
        expect(chart.locator("a[data-citation] circle.hp-point")).to_have_count(size)
        expect(chart.locator("circle.hp-newest")).to_have_count(1)
    OUTPUT.mkdir(exist_ok=True)
    widest = charts.nth(sizes.index(max(sizes)))
    widest.screenshot(path=str(OUTPUT / "ui-chart.png"))
    oldest = widest.locator("a[data-citation]").first  # points run oldest to newest
    citation = oldest.get_attribute("data-citation")
    oldest.locator("circle").click()
    expect(page.locator(f"#hp-src-1-{citation}")).to_be_in_viewport()

    feedback = settings.data_dir / "feedback.jsonl"
    before = len(_lines(feedback))
    page.locator("#chat button[aria-label='Like']").last.click()
    deadline = time.monotonic() + 10
    while len(_lines(feedback)) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    record = json.loads(_lines(feedback)[-1])
    assert record["rating"] == "up" and record["question"] == "How much has Korea invested in Hai Phong?"
    assert record["citations"] and set(record) == {"time", "rating", "question", "answer", "citations"}

    page.screenshot(path=str(OUTPUT / "ui-chat.png"), full_page=True)
    assert outside == [], f"the page made requests off this machine: {outside}"


UPLOAD = REPO_ROOT / "tests" / "data" / "amkor-bac-ninh.md"
UPLOAD_QUESTION = "How much will Amkor invest in its Bac Ninh plant?"


@pytest.fixture(scope="module")
def echo_assistant(settings):
    """The session's index with a scripted model that repeats its first fact: the Documents tab's tests check
    what an upload changes (indexing, retrieval, sources, removal), not how the model words an answer."""
    from hpassist import Assistant

    return Assistant(settings, chat_model=EchoFirstFact())


@pytest.fixture(scope="module")
def docs_url(echo_assistant) -> Iterator[str]:
    with serving(echo_assistant) as local_url:
        yield local_url


@pytest.fixture
def docs_page(browser, docs_url: str, outside: list[str]):
    """A fresh page on the scripted model's web chat."""
    yield from _page(browser, docs_url, outside)


@pytest.fixture
def library(settings, echo_assistant):
    """The session index's documents; whatever a test uploads is removed again afterwards."""
    from hpassist.library import Library

    library = Library(settings, echo_assistant.index)
    yield library
    for name in library.uploaded():
        library.remove(name)


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def _upload(page, files: list[dict]) -> None:
    """Drop files on the Documents tab and wait for *this* upload's report: the previous report also says
    "Upload done", so wait until the report has a row for every file (by the plain name Gradio keeps)."""
    from playwright.sync_api import expect

    page.locator("#doc-upload input[type=file]").set_input_files(files)
    report = page.locator("#doc-report")
    expect(report).to_contain_text("Upload done", timeout=ANSWER_MS)
    for name in {Path(f["name"]).name for f in files}:
        expect(report.locator("tr", has_text=name)).to_have_count(1, timeout=ANSWER_MS)


def test_documents_tab_adds_a_document_that_answers_and_removes_it(docs_page, library, outside: list[str]) -> None:
    page = docs_page
    from playwright.sync_api import expect

    _tab(page, "Documents")
    expect(page.locator("#doc-list")).to_contain_text("documents indexed")
    _upload(page, [
        {"name": UPLOAD.name, "mimeType": "text/markdown", "buffer": UPLOAD.read_bytes()},
        {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"this is a scanned page, not a PDF"},
    ])
    report = page.locator("#doc-report")
    expect(report).to_contain_text("1 added, 1 skipped")
    expect(report.locator("tr", has_text="scan.pdf")).to_contain_text("unreadable")
    expect(report.locator("tr", has_text=UPLOAD.name)).to_contain_text("2023-10-11")
    row = page.locator(f"#doc-list tr[data-source='{UPLOAD.name}']")
    expect(row).to_contain_text("added here")
    expect(row).to_contain_text("Amkor opens its largest plant in Bac Ninh")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "ui-documents.png"), full_page=True)

    _tab(page, "Chat")
    _ask(page, UPLOAD_QUESTION, 1)
    expect(page.locator("#chat [data-testid='bot']").nth(0)).to_contain_text("1.6 billion")
    expect(page.locator("#sources details[open] .hp-meta").first).to_contain_text(UPLOAD.name)

    _tab(page, "Documents")
    page.locator("#doc-remove-choice input").click()
    page.get_by_role("option", name=UPLOAD.name, exact=False).click()
    page.locator("#doc-remove").click()
    expect(page.locator("#doc-confirm-text")).to_contain_text("Amkor opens its largest plant")
    page.locator("#doc-confirm-yes").click()
    expect(page.locator("#doc-status")).to_contain_text(f"Removed {UPLOAD.name}")
    expect(page.locator(f"#doc-list tr[data-source='{UPLOAD.name}']")).to_have_count(0)

    _tab(page, "Chat")
    _ask(page, UPLOAD_QUESTION, 2)
    expect(page.locator("#sources details[open]")).not_to_contain_text(UPLOAD.name)
    assert outside == [], f"the page made requests off this machine: {outside}"


def test_a_follow_up_is_searched_with_what_it_leans_on_and_a_new_topic_alone(docs_page) -> None:
    """The conversation as the page shows it: a follow-up's answer says what was searched (the earlier
    question's subject) and its sources are listed under it; a new topic in another language stands alone.
    (How the real model rewrites follow-ups is measured by evals/test_conversations.py.)"""
    page = docs_page
    from playwright.sync_api import expect

    _ask(page, "How much has Korea invested in Hai Phong?", 1)
    _ask(page, "and how many projects?", 2)
    follow_up = page.locator("#chat [data-testid='bot']").nth(1)
    expect(follow_up.locator(".hp-searched")).to_contain_text("Korea")
    expect(page.locator("#sources details[open] summary")).to_contain_text("and how many projects?")

    _ask(page, "Hải Phòng có bao nhiêu khu công nghiệp?", 3)
    switched = page.locator("#chat [data-testid='bot']").nth(2)
    expect(switched).not_to_contain_text("Korea")
    expect(switched.locator(".hp-searched")).to_have_count(0)
    expect(page.locator("#sources details[open] summary")).to_contain_text("khu công nghiệp")
    expect(page.locator("#sources details")).to_have_count(3)  # one section per question, the newest open


def test_bad_uploads_get_a_reason_and_change_nothing(docs_page, library, settings) -> None:
    page = docs_page
    from playwright.sync_api import expect

    before = dict(library.index.manifest()["sources"])
    _tab(page, "Documents")
    _upload(page, [
        {"name": "huge.txt", "mimeType": "text/plain", "buffer": b"a" * (settings.max_upload_bytes + 1)},
        {"name": "notes.docx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04 not ours"},
        {"name": "fake.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 but nothing after"},
        {"name": ".hidden.txt", "mimeType": "text/plain", "buffer": b"Bac Ninh approved new projects."},
    ])
    report = page.locator("#doc-report")
    expect(report).to_contain_text("4 skipped")
    expect(report.locator("tr", has_text="huge.txt")).to_contain_text("too large")
    expect(report.locator("tr", has_text="notes.docx")).to_contain_text("unsupported type .docx")
    expect(report.locator("tr", has_text="fake.pdf")).to_contain_text("unreadable")
    expect(report.locator("tr", has_text=".hidden.txt")).to_contain_text("hidden file names")
    assert library.index.manifest()["sources"] == before and not library.uploaded()

    # A name with folders in it: Gradio keeps only its last part before HP Assist sees it, so the file can
    # only land in the managed folder, under its plain name.
    _upload(page, [{"name": "../../escape.txt", "mimeType": "text/plain", "buffer": UPLOAD.read_bytes()}])
    stored = {p.name for p in settings.uploads_dir.rglob("*")}
    assert stored <= {"escape.txt"} and not (settings.data_dir.parent / "escape.txt").exists()
    assert not (settings.uploads_dir.parent.parent / "escape.txt").exists()
