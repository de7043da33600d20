"""The web chat: streamed answers, a sources panel with the quoted passages, feedback and corpus notes."""

from __future__ import annotations

import html
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr

from .assistant import Assistant
from .generation import GenerationError
from .index import IndexUnavailable
from .library import Library
from .llm import ModelUnavailable
from .prompts import messages as phrases
from .schema import Answer
from .settings import Settings
from .ui_charts import trend_html
from .ui_documents import documents_tab
from .ui_html import escape as _escape

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # gradio reads it whenever it would report usage
log = logging.getLogger(__name__)

Turn = dict[str, Any]  # one question and its answer, as kept in the session state
EXAMPLES = [
    "How much has Korea invested in Hai Phong?",
    "Hàn Quốc đã đầu tư bao nhiêu vào Hải Phòng?",
    "하이퐁 산업단지의 입주율은 얼마입니까?",
    "What did Lee Kyung Hee recommend?",
]
_MARKER = re.compile(r"\[(\d+)\]")
_MARKDOWN = re.compile(r"([\\`*_~\[\]#|])")
_CONTEXT_CHARS = 320
_KNOWN_FAILURES = (IndexUnavailable, ModelUnavailable, GenerationError)
_feedback_lock = threading.Lock()

THEME = gr.themes.Soft(
    primary_hue="teal",
    font=["system-ui", "Segoe UI", "Noto Sans", "Arial", "sans-serif"],  # system fonts: nothing to download
    font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"],
)
CSS = """
.hp-cite { display: inline-block; margin-left: .15em; padding: 0 .4em; border-radius: .7em; font-size: .8em;
  font-weight: 600; line-height: 1.5; text-decoration: none !important; color: var(--color-accent) !important;
  background: var(--color-accent-soft); }
.hp-searched { margin-top: .5em; font-size: .82em; color: var(--body-text-color-subdued); }
#sources details { margin-bottom: .8em; }
#sources summary { cursor: pointer; font-weight: 600; margin-bottom: .5em; }
.hp-card { border: 1px solid var(--border-color-primary); border-radius: var(--radius-lg); padding: .6em .8em;
  margin-bottom: .6em; background: var(--background-fill-primary); scroll-margin-top: .5em; }
.hp-card:target { outline: 2px solid var(--color-accent); }
.hp-card h4 { margin: 0 0 .2em; font-size: .95em; }
.hp-meta { font-size: .8em; color: var(--body-text-color-subdued); margin-bottom: .4em; }
.hp-passage { font-size: .88em; line-height: 1.5; margin: 0; }
.hp-passage mark { background: #fde68a; color: #1f2937; padding: 0 .1em; border-radius: .2em; }
.hp-note { font-size: .9em; color: var(--body-text-color-subdued); }
.hp-error { color: var(--error-text-color, #b91c1c); }
.hp-trend { margin: 0 0 .8em; padding: .5em .6em; border: 1px solid var(--border-color-primary);
  border-radius: var(--radius-lg); background: var(--background-fill-primary); }
.hp-trend figcaption { font-weight: 600; font-size: .9em; margin-bottom: .2em; }
.hp-trend svg { width: 100%; height: auto; overflow: visible; }
.hp-trend .hp-axis { stroke: var(--border-color-primary); stroke-width: 1; }
.hp-trend .hp-trend-line { fill: none; stroke: var(--color-accent); stroke-width: 2; opacity: .6; }
.hp-trend .hp-point { fill: var(--background-fill-primary); stroke: var(--color-accent); stroke-width: 2; }
.hp-trend .hp-point.hp-newest { fill: var(--color-accent); }
.hp-trend text { font-size: 10px; fill: var(--body-text-color); }
.hp-trend .hp-date { fill: var(--body-text-color-subdued); }
.hp-trend text.hp-newest { font-weight: 700; }
.hp-trend a { text-decoration: none; }
.hp-trend a:hover .hp-point { stroke-width: 3; }
.hp-trend-hint { font-size: .78em; color: var(--body-text-color-subdued); margin: .2em 0 0; }
table.hp-docs { width: 100%; border-collapse: collapse; font-size: .88em; }
table.hp-docs th, table.hp-docs td { text-align: left; padding: .3em .5em; border-bottom: 1px solid var(--border-color-primary);
  vertical-align: top; }
table.hp-report tr.hp-skipped td:first-child { color: var(--error-text-color, #b91c1c); font-weight: 600; }
table.hp-report tr.hp-added td:first-child, table.hp-report tr.hp-updated td:first-child { color: var(--color-accent); font-weight: 600; }
"""


def build_app(assistant: Assistant) -> gr.Blocks:
    """The HP Assist web chat for one assistant, queued as its settings say."""
    settings = assistant.settings
    feedback_path = settings.data_dir / "feedback.jsonl"
    with gr.Blocks(title="HP Assist", analytics_enabled=False) as app:
        gr.Markdown(
            "## HP Assist — investing in Hải Phòng\n"
            "Answers come only from the indexed documents, in the language you ask in (English, Tiếng Việt, 한국어). "
            "Every claim is numbered; the numbers link to the quoted passages on the right."
        )
        turns = gr.State([])
        with gr.Tabs():
            with gr.Tab("Chat", id="chat-tab"):
                _chat_tab(assistant, turns, feedback_path)
            if settings.documents != "off":
                tab = documents_tab(Library(settings, assistant.index), settings)
                app.load(tab.refresh, None, tab.outputs, queue=False, api_visibility="private")
        gr.api(_feedback_endpoint(feedback_path), api_name="feedback", queue=False)
    app.queue(default_concurrency_limit=settings.concurrency, max_size=settings.max_queue)
    return app


def _chat_tab(assistant: Assistant, turns: gr.State, feedback_path: Path) -> None:
    """The chat with its start-screen examples, the question box and the sources panel."""
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                elem_id="chat",
                label="Chat",
                height=560,
                examples=[{"text": q} for q in EXAMPLES],
                placeholder="Ask about investment in Hải Phòng, or try one of these questions:",
                feedback_options=("Like", "Dislike"),
                buttons=["copy"],
                latex_delimiters=[],
            )
            question = gr.Textbox(
                elem_id="question",
                label="Question",
                show_label=False,
                placeholder="Ask a question about investing in Hải Phòng…",
                submit_btn=True,
                autofocus=True,
                max_lines=4,
            )
        with gr.Column(scale=2):
            sources = gr.HTML(
                _sources_html([]), elem_id="sources", label="Sources", container=True, padding=True, max_height=640
            )

    def chat(text: str, session: list[Turn]) -> Iterator[tuple[str, list[dict], str, list[Turn]]]:
        """Answer one question in this session, streaming the answer and then its sources."""
        for current in respond(assistant, text, session):
            yield "", _messages(current), _sources_html(current), current

    def rate(session: list[Turn], data: gr.LikeData) -> None:
        """Record a thumbs up or down on one answer of this session."""
        rating = {True: "up", False: "down"}.get(data.liked)  # None: the rating was taken back
        number = data.index if isinstance(data.index, int) else data.index[0]
        if rating and 0 <= number // 2 < len(session):
            turn = session[number // 2]
            write_feedback(feedback_path, turn["question"], turn["answer"], turn["citations"], rating)

    outputs = [question, chatbot, sources, turns]
    question.submit(chat, [question, turns], outputs, api_name="chat")
    chatbot.example_select(_example_text, None, question, queue=False, api_visibility="private").then(
        chat, [question, turns], outputs, api_visibility="private"
    )
    chatbot.like(rate, turns, None, queue=False, api_visibility="private")
    chatbot.clear(_cleared, None, [turns, sources], queue=False, api_visibility="private")


def _feedback_endpoint(feedback_path: Path) -> Callable[..., str]:
    """The `feedback` API endpoint: ratings from other programs, written like the page's thumbs."""

    def feedback(question: str, answer: str, rating: str, citations: list[dict] | None = None) -> str:
        """Record a rating ('up' or 'down') for an answer with its citations; returns 'recorded'."""
        if rating not in ("up", "down"):
            raise gr.Error("rating must be 'up' or 'down'")
        write_feedback(feedback_path, question, answer, citations or [], rating)
        return "recorded"

    return feedback


def launch_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `Blocks.launch`: address, sharing, login, look; no error details for users."""
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": settings.share,
        "auth": _credentials(settings.auth),
        "show_error": False,
        "ssr_mode": False,
        "mcp_server": False,
        "max_file_size": 4 * settings.max_upload_bytes,  # the Documents tab reports a file over the limit itself
        "theme": THEME,
        "css": CSS,
    }


def serve(assistant: Assistant) -> None:
    """Run the web chat until interrupted."""
    build_app(assistant).launch(**launch_options(assistant.settings))


def respond(assistant: Assistant, question: str, session: list[Turn]) -> Iterator[list[Turn]]:
    """The session's turns after each streamed piece of the answer to `question`; failures become text.
    A question that cannot be read (blank, emoji only...) gets the assistant's polite message."""
    question = question if isinstance(question, str) else ""
    # Earlier questions that could not be read (never searched) are no context for a follow-up.
    history = [(t["question"], t["answer"]) for t in session if not t["error"] and t["search_query"]]
    turn: Turn = {
        "question": question,
        "answer": "",
        "citations": [],
        "search_query": "",
        "refused": False,
        "notice": None,
        "error": False,
        "pending": True,
        "charts": [],
    }
    turns = [*session, turn]
    yield turns
    try:
        for event in assistant.stream(question, history):
            if isinstance(event, Answer):
                _finish(turn, event, len(turns), phrases(assistant.settings.prompts_dir, event.language))
            else:
                turn["answer"] += event
            yield turns
    except Exception as exc:  # every failure is shown as a message, never as a traceback
        log.exception("answering %r failed", question[:200])
        turn["answer"] = (turn["answer"] + "\n\n" + _failure_text(exc)).strip()
        turn.update(error=True, pending=False, citations=[])
        yield turns


def write_feedback(path: Path, question: str, answer: str, citations: list[dict], rating: str) -> None:
    """Append one rating as a JSON line: time, rating, question, answer and the cited quotes."""
    record = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "rating": rating,
        "question": question,
        "answer": answer,
        "citations": [{k: c.get(k) for k in ("index", "source", "title", "date", "quote")} for c in citations],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with _feedback_lock, path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _finish(turn: Turn, answer: Answer, number: int, words: dict[str, str]) -> None:
    """Copy the final answer's text, citations and searched question into turn `number`, with a chart of
    each changing figure it reports (labelled in the reader's language)."""
    turn.update(
        answer=answer.text,
        citations=[asdict(c) for c in answer.citations],
        search_query=answer.search_query,
        refused=answer.refused,
        notice=answer.notice,
        pending=False,
        charts=[trend_html(t, number, words) for t in answer.trends],
    )


def _failure_text(exc: Exception) -> str:
    """A readable message for a failed answer: the reason for known failures, the kind for others."""
    if isinstance(exc, _KNOWN_FAILURES):
        return f"⚠️ HP Assist cannot answer right now: {str(exc)[:300]}"
    return f"⚠️ Something went wrong while answering ({type(exc).__name__}). Please try again; details are in the server log."


def _cleared() -> tuple[list[Turn], str]:
    """A fresh session: no turns, an empty sources panel."""
    return [], _sources_html([])


def _example_text(data: gr.SelectData) -> str:
    """The question of a clicked start-screen example."""
    return data.value["text"]


def _messages(turns: list[Turn]) -> list[dict]:
    """Chat messages for the turns; an answer not yet started is left out so the chat shows it is busy."""
    messages: list[dict] = []
    for number, turn in enumerate(turns, start=1):
        messages.append({"role": "user", "content": _markdown_text(turn["question"])})
        if turn["answer"]:
            messages.append({"role": "assistant", "content": _answer_markdown(turn, number)})
    return messages


def _answer_markdown(turn: Turn, number: int) -> str:
    """An answer with its [n] markers as links to the source cards, then the searched question if rewritten."""
    parts = _MARKER.split(turn["answer"])
    body = "".join(
        _markdown_text(part) if i % 2 == 0 else f'<a class="hp-cite" href="#hp-src-{number}-{part}">[{part}]</a>'
        for i, part in enumerate(parts)
    )
    notes = [turn["notice"]] if turn["notice"] else []
    searched = turn["search_query"]
    if searched and searched.strip().casefold() != turn["question"].strip().casefold():
        notes.append(f"Searched: {searched}")
    return body + "".join(f'\n\n<div class="hp-searched">{_escape(note)}</div>' for note in notes)


def _sources_html(turns: list[Turn]) -> str:
    """The sources panel: the newest answer's cards open, earlier answers folded below."""
    if not turns:
        return '<p class="hp-note">Sources appear here: one card per numbered citation, with the quoted sentence highlighted.</p>'
    sections = [_turn_sources(turn, number, number == len(turns)) for number, turn in enumerate(turns, start=1)]
    return "\n".join(reversed(sections))


def _turn_sources(turn: Turn, number: int, latest: bool) -> str:
    """One answer's source cards (or why there are none) under its question."""
    if turn["pending"]:
        body = '<p class="hp-note">Searching the documents…</p>'
    elif turn["error"]:
        body = '<p class="hp-note">No sources: this answer failed.</p>'
    elif turn["refused"]:
        body = '<p class="hp-note">The documents do not answer this question, so no passages are shown.</p>'
    elif not turn["citations"]:
        body = '<p class="hp-note">This answer cites no sources.</p>'
    else:
        body = "\n".join([*turn["charts"], *(_card(c, number) for c in turn["citations"])])
    return (
        f"<details{' open' if latest else ''}><summary>{number}. {_escape(turn['question'][:120])}</summary>\n"
        f"{body}\n</details>"
    )


def _card(citation: dict, number: int) -> str:
    """One source card: number, title, date, file, and the quote highlighted in its passage."""
    date = citation["date"] or "undated"
    return (
        f'<article class="hp-card" id="hp-src-{number}-{citation["index"]}">'
        f'<h4><span class="hp-cite">[{citation["index"]}]</span> {_escape(citation["title"])}</h4>'
        f'<div class="hp-meta">{_escape(date)} · {_escape(citation["source"])}</div>'
        f'<p class="hp-passage">{_passage(citation["quote"], citation["context"])}</p></article>'
    )


def _passage(quote: str, context: str) -> str:
    """The context around the quote (trimmed to a few hundred characters each side), quote in <mark>."""
    at = context.find(quote)
    if at < 0:
        return f"<mark>{_escape(quote)}</mark>"
    before, after = context[:at], context[at + len(quote) :]
    if len(before) > _CONTEXT_CHARS:
        before = "…" + before[-_CONTEXT_CHARS:].split(" ", 1)[-1]
    if len(after) > _CONTEXT_CHARS:
        after = after[:_CONTEXT_CHARS].rsplit(" ", 1)[0] + "…"
    return f"{_escape(before)}<mark>{_escape(quote)}</mark>{_escape(after)}"


def _credentials(auth: str | None) -> tuple[str, str] | None:
    """('user', 'password') from 'user:password'; None when no login is configured."""
    if not auth:
        return None
    user, colon, password = auth.partition(":")
    if not (user and colon and password):
        raise ValueError("HPASSIST_AUTH must look like user:password")
    return user, password


def _markdown_text(text: str) -> str:
    """Text shown literally inside a Markdown chat message: HTML escaped, Markdown punctuation backslashed."""
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False))
