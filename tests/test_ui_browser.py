"""The web chat in headless Chromium: a streamed, cited answer, its sources, a follow-up, and no outside requests."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from hpassist.settings import REPO_ROOT

from webchat import launch

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
    app, local_url = launch(assistant)
    yield local_url
    app.close()


@pytest.fixture
def outside() -> list[str]:
    """Requests the page made to hosts other than this machine."""
    return []


@pytest.fixture
def page(url: str, outside: list[str]):
    """A headless Chromium page on the web chat, recording requests that leave this machine."""
    from playwright.sync_api import sync_playwright

    def record(request) -> None:
        if urlparse(request.url).hostname not in ("127.0.0.1", "localhost"):
            outside.append(request.url)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("request", record)
        page.goto(url)
        yield page
        browser.close()


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


def test_chat_streams_a_cited_answer_with_sources_and_a_follow_up(page, outside: list[str], settings) -> None:
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

    follow_up_token = _ask(page, "and how many projects?", 2)
    print(f"question -> first streamed token in the browser: {follow_up_token:.1f} s (follow-up, model loaded)")
    follow_up = page.locator("#chat [data-testid='bot']").nth(1)
    expect(follow_up.locator(".hp-searched")).to_contain_text("Korea")
    expect(page.locator("#sources details[open] summary")).to_contain_text("and how many projects?")

    feedback = settings.data_dir / "feedback.jsonl"
    before = len(_lines(feedback))
    page.locator("#chat button[aria-label='Like']").last.click()
    deadline = time.monotonic() + 10
    while len(_lines(feedback)) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    record = json.loads(_lines(feedback)[-1])
    assert record["rating"] == "up" and record["question"] == "and how many projects?"
    assert record["citations"] and set(record) == {"time", "rating", "question", "answer", "citations"}

    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "ui-chat.png"), full_page=True)
    assert outside == [], f"the page made requests off this machine: {outside}"
