"""The web chat's API through gradio_client: /chat gives a cited answer with its sources, /feedback writes JSONL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from hpassist.index import IndexUnavailable
from hpassist.schema import Answer, Citation

from webchat import serving

pytestmark = pytest.mark.slow
QUESTION = "How much has Korea invested in Hai Phong?"




@pytest.fixture(scope="module")
def url(assistant) -> Iterator[str]:
    """The web chat for the session's real assistant."""
    with serving(assistant) as local_url:
        yield local_url


@pytest.fixture
def client(url: str):
    """A gradio_client Client with a session of its own."""
    from gradio_client import Client

    return Client(url, verbose=False)


def test_chat_endpoint_returns_a_cited_answer_and_its_sources(client) -> None:
    question_box, messages, sources = client.predict(QUESTION, api_name="/chat")
    assert question_box == ""
    assert [m["role"] for m in messages] == ["user", "assistant"]
    answer = " ".join(part["text"] for part in messages[-1]["content"] if part.get("type") == "text")
    assert 'href="#hp-src-1-1">[1]</a>' in answer
    assert 'id="hp-src-1-1"' in sources and "15,4 tỷ USD" in sources and "<mark>" in sources


def test_feedback_endpoint_appends_one_json_line(client, settings) -> None:
    path = settings.data_dir / "feedback.jsonl"
    before = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    citation = {
        "index": 1,
        "source": "001_20d133c255b65173.txt",
        "title": "t",
        "date": "2026",
        "quote": "q",
        "start": 0,
    }
    assert client.predict(QUESTION, "It is 15,4 tỷ USD [1].", "down", [citation], api_name="/feedback") == "recorded"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(before) + 1
    record = json.loads(lines[-1])
    assert (
        record["rating"] == "down" and record["question"] == QUESTION and record["answer"] == "It is 15,4 tỷ USD [1]."
    )
    assert record["citations"] == [{k: citation[k] for k in ("index", "source", "title", "date", "quote")}]


def test_feedback_endpoint_rejects_an_unknown_rating(client) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="rating must be"):
        client.predict(QUESTION, "answer", "meh", None, api_name="/feedback")


class _ScriptedAssistant:
    """Stands in for the assistant: streams the events it is given, then raises `error` if set; empty index."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.events: list[str | Answer] = []
        self.error: Exception | None = None
        self.index = SimpleNamespace(chunks=list, manifest=lambda: {"built_at": None})

    def stream(self, question: str, history=None) -> Iterator[str | Answer]:
        yield from self.events
        if self.error:
            raise self.error


@pytest.fixture(scope="module")
def scripted_app(settings) -> Iterator[tuple[_ScriptedAssistant, str]]:
    """A scripted assistant and the URL of the web chat built on it."""
    assistant = _ScriptedAssistant(settings)
    with serving(assistant) as local_url:
        yield assistant, local_url


@pytest.fixture
def scripted(scripted_app):
    """The scripted assistant and a client with a session of its own."""
    from gradio_client import Client

    assistant, local_url = scripted_app
    return assistant, Client(local_url, verbose=False)


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (
            IndexUnavailable("Chroma server at http://127.0.0.1:9 is not reachable."),
            "Chroma server at http://127.0.0.1:9",
        ),
        (KeyError("internal detail"), "Something went wrong while answering (KeyError)"),
    ],
)
def test_a_failing_answer_is_a_readable_message(scripted, error: Exception, shown: str) -> None:
    assistant, client = scripted
    assistant.events, assistant.error = ["A first sentence."], error
    _, messages, sources = client.predict(QUESTION, api_name="/chat")
    text = messages[-1]["content"][0]["text"]
    assert text.startswith("A first sentence.") and shown in text
    assert "Traceback" not in text and "internal detail" not in text
    assert "this answer failed" in sources


def test_a_refusal_shows_no_passages(scripted) -> None:
    assistant, client = scripted
    refusal = "I could not find this in the documents I have."
    assistant.events, assistant.error = [refusal, Answer(text=refusal, refused=True, search_query=QUESTION)], None
    _, messages, sources = client.predict(QUESTION, api_name="/chat")
    assert messages[-1]["content"][0]["text"] == refusal
    assert "do not answer this question" in sources and "hp-card" not in sources


def test_answers_and_sources_are_escaped(scripted) -> None:
    assistant, client = scripted
    quote = "Profit < 5% & rising."
    citation = Citation(
        index=1,
        source="x.txt",
        title="<script>alert(1)</script>",
        date=None,
        quote=quote,
        start=0,
        end=len(quote),
        context=f"Before {{{{name}}}} ${{value}}. {quote} <b>After</b>.",
    )
    text = "Profit is <b>low</b> *now* [1]."
    assistant.events = [text, Answer(text=text, citations=[citation], search_query="Profit in Hai Phong?")]
    assistant.error = None
    _, messages, sources = client.predict("Profit?", api_name="/chat")
    answer = messages[-1]["content"][0]["text"]
    assert "&lt;b&gt;low&lt;/b&gt; \\*now\\*" in answer and 'href="#hp-src-1-1">[1]</a>' in answer
    assert '<div class="hp-searched">Searched: Profit in Hai Phong?</div>' in answer
    assert "<script>" not in sources and "&lt;script&gt;alert(1)&lt;/script&gt;" in sources
    assert "<mark>Profit &lt; 5% &amp; rising.</mark>" in sources and "&lt;b&gt;After&lt;/b&gt;" in sources
    assert "{{" not in sources and "${" not in sources and "undated · x.txt" in sources
