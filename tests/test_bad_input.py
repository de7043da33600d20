"""Bad questions through the Python API, the command line and the web chat.

Each gets a polite message (or a refusal) quickly, never a crash; an oversized question is cut to the
token budget (tiktoken) before it is searched or shown to the model.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fakes import ScriptedChatModel
from hpassist import Answer, Assistant, cli
from hpassist.settings import REPO_ROOT, Settings
from hpassist.tokens import count_tokens
from hpassist.ui import respond

from webchat import serving

SEEDS = REPO_ROOT / "seeds"
ASK_IN_WORDS = "Please type a question in words, for example: How much has Korea invested in Hải Phòng?"
NOT_TEXT = "Please ask your question as text."
UNSUPPORTED = (
    "Sorry, HP Assist answers questions in English, Vietnamese or Korean. "
    "Xin vui lòng hỏi bằng tiếng Anh, tiếng Việt hoặc tiếng Hàn. 영어, 베트남어 또는 한국어로 질문해 주세요."
)
REFUSAL = "I could not find this in the documents I have, so I cannot answer it without guessing."
SHORTENED = "Your question was shortened to 120 tokens."
KOREA = "How much has Korea invested in Hai Phong?"
TAX = "What is the corporate income tax rate in Hai Phong?"
HUGE = 100_000

# (case id, question, the exact message it gets). Every one is answered without searching or the model.
BAD: list[tuple[str, Any, str]] = [
    ("empty", "", ASK_IN_WORDS),
    ("whitespace", " \t\n \u3000 ", ASK_IN_WORDS),
    ("one-letter", "x", ASK_IN_WORDS),
    ("one-hangul-syllable", "돈", ASK_IN_WORDS),
    ("punctuation-only", "?!?", ASK_IN_WORDS),
    ("invalid-utf8-bytes", b"\xff\xfe\x00\x80\xc3\x28", ASK_IN_WORDS),
    ("lone-surrogates", "\udcff\udcfe\udc80", ASK_IN_WORDS),  # what Python makes of invalid UTF-8 in argv
    ("control-characters", "\x00\x01\x02\x07\x08\x1b\x7f\u200b\u202e", ASK_IN_WORDS),
    ("emoji-only", "😀🚀🇻🇳👍🏽", ASK_IN_WORDS),
    ("thai", "อัตราภาษีเงินได้นิติบุคคลในไฮฟองเป็นเท่าไร", UNSUPPORTED),
    ("arabic", "ما هو معدل ضريبة الشركات في هاي فونغ؟", UNSUPPORTED),
    ("not-a-string", None, NOT_TEXT),
]
TEXT_CASES = [(i, q, m) for i, q, m in BAD if isinstance(q, str)]


def events(assistant: Assistant, question: Any, history=None) -> tuple[list[str], Answer]:
    """The streamed text pieces and the final Answer."""
    out = list(assistant.stream(question, history))
    assert isinstance(out[-1], Answer) and all(isinstance(e, str) for e in out[:-1])
    return out[:-1], out[-1]


@pytest.fixture(scope="module")
def model() -> ScriptedChatModel:
    return ScriptedChatModel()


@pytest.fixture(scope="module")
def scripted(settings: Settings, model: ScriptedChatModel) -> Assistant:
    """The real index and pipeline with a recording chat model."""
    return Assistant(settings, chat_model=model)


@pytest.fixture
def fresh(model: ScriptedChatModel) -> ScriptedChatModel:
    model.replies, model.prompts = [], []
    return model


# ----- Python API ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("case", "question", "message"), BAD, ids=[b[0] for b in BAD])
def test_api_bad_question_gets_its_polite_message_at_once(scripted, fresh, case, question, message):
    started = time.perf_counter()
    deltas, answer = events(scripted, question)
    elapsed = time.perf_counter() - started
    assert deltas == [message]
    assert answer.text == message and answer.refused and not answer.citations
    assert fresh.prompts == []  # neither searched nor sent to the model
    assert elapsed < 1.0


@pytest.mark.parametrize("earlier", ["😀🚀", "", "x"], ids=["emoji", "empty", "one-letter"])
def test_follow_up_after_an_unreadable_question_is_answered_on_its_own(scripted, fresh, earlier):
    fresh.replies = ["Korea has invested 15,4 tỷ USD in 320 projects in Hai Phong."]
    deltas, answer = events(scripted, "and Korea?", [(earlier, "Please ask your question in words.")])
    assert not answer.refused and answer.search_query == "and Korea?"
    assert "".join(deltas) == answer.text


def test_api_100k_character_question_is_cut_to_the_token_budget_before_the_model(scripted, fresh):
    question = (KOREA + " ") * (HUGE // len(KOREA + " ") + 1)
    question = question[:HUGE]
    fresh.replies = ["Korea has invested 15,4 tỷ USD in 320 projects in Hai Phong."]
    deltas, answer = events(scripted, question)
    assert len(question) == HUGE
    assert answer.notice == SHORTENED
    assert count_tokens(answer.question) <= 120 and answer.question.startswith(KOREA)
    assert not answer.refused and "".join(deltas) == answer.text and "[1]" in answer.text
    [prompt] = fresh.prompts  # one request: the grounded answer
    sent = "\n".join(str(m.content) for m in prompt)
    asked = sent.split("Question: ", 1)[1].split("\nAnswer in", 1)[0]
    assert asked == answer.question and count_tokens(asked) <= 120
    assert count_tokens(sent) < 600 and len(sent) < 3_000


def test_api_100k_character_unanswerable_question_is_refused_in_normal_time(scripted, fresh):
    question = ((TAX + " ") * (HUGE // len(TAX) + 1))[:HUGE]
    started = time.perf_counter()
    _, answer = events(scripted, question)
    assert time.perf_counter() - started < 30
    assert answer.refused and answer.text.startswith(REFUSAL) and answer.notice == SHORTENED
    assert fresh.prompts == []


def test_api_control_characters_inside_a_question_are_removed_before_search(scripted, fresh):
    fresh.replies = ["Korea has invested 15,4 tỷ USD in 320 projects in Hai Phong."]
    _, answer = events(scripted, "How much has\x00 Korea\x07 invested\u200b in Hai\x1b Phong?\x7f")
    assert answer.question == KOREA and answer.search_query == KOREA
    assert not answer.refused and answer.citations
    [prompt] = fresh.prompts
    sent = "".join(str(m.content) for m in prompt)
    assert f"Question: {KOREA}\n" in sent
    assert not any(ch in sent for ch in "\x00\x07\x1b\x7f\u200b")


def test_api_binary_file_content_is_refused_without_the_model(scripted, fresh):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00\\r\xa8f"
    _, answer = events(scripted, png)
    assert answer.refused and answer.text.startswith(REFUSAL) and not answer.citations
    assert fresh.prompts == []


def test_ui_follow_up_after_an_unreadable_question_is_answered(scripted, fresh):
    """The web chat does not hand an unreadable earlier question to the follow-up rewriter."""
    session: list[dict] = list(respond(scripted, "😀😀", []))[-1]
    assert session[-1]["answer"] == ASK_IN_WORDS and not session[-1]["error"]
    fresh.replies = ["Korea has invested 15,4 tỷ USD in 320 projects in Hai Phong."]
    session = list(respond(scripted, "and how much has Korea invested in Hai Phong?", session))[-1]
    last = session[-1]
    assert not last["error"] and "went wrong" not in last["answer"]
    assert last["search_query"] == "and how much has Korea invested in Hai Phong?" and last["citations"]


# ----- command line ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cli_env(settings: Settings, assistant, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for `python -m hpassist.cli` on a copy of the session's index."""
    data = tmp_path_factory.mktemp("cli-data")
    shutil.copytree(settings.index_dir, data / "index")
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(data),
        "HF_HUB_OFFLINE": "1",
        "PYTHONIOENCODING": "utf-8",
        "HPASSIST_DATA_DIR": str(data),
        "HPASSIST_CORPUS_DIRS": json.dumps([str(SEEDS)]),
    }


def cli_ask(env: dict[str, str], question: str | bytes, timeout: float = 300) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "hpassist.cli", "ask", question], capture_output=True, env=env, timeout=timeout, check=False
    )
    return run, time.perf_counter() - started


_NO_NUL = {"control-characters": "\x01\x02\x07\x1b\x7f", "invalid-utf8-bytes": b"\xff\xfe\x80\xc3\x28"}
# The cases where the process boundary matters: argv cannot hold NUL, Python turns invalid UTF-8 in argv into
# lone surrogates, an empty argument, a script the terminal must carry. The others take the same path as the
# API cases above, once the question is a str.
_ARGV = ("empty", "invalid-utf8-bytes", "control-characters", "thai")
CLI_CASES = [(i, _NO_NUL.get(i, q), m) for i, q, m in BAD if i in _ARGV]


@pytest.mark.parametrize(("case", "question", "message"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_bad_question_prints_its_polite_message(cli_env, case, question, message):
    run, elapsed = cli_ask(cli_env, question)
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode("utf-8") == message + "\n"
    assert b"Traceback" not in run.stderr
    assert elapsed < 30  # answered before the index or the model is loaded


def test_cli_100k_character_question_is_shortened_and_refused(cli_env, monkeypatch, capsys):
    for name, value in cli_env.items():
        monkeypatch.setenv(name, value)
    question = ((TAX + " ") * (HUGE // len(TAX) + 1))[:HUGE]
    assert cli.main(["ask", question]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(REFUSAL)
    assert f"Note: {SHORTENED}\n" in out and "Sources:" not in out
    assert "Traceback" not in err


# ----- web chat --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def url(assistant) -> Iterator[str]:
    """The web chat for the session's real assistant (bad questions never reach its model)."""
    with serving(assistant) as local_url:
        yield local_url


def _chat(url: str, question: str) -> tuple[list[dict], str]:
    from gradio_client import Client

    _, messages, sources = Client(url, verbose=False).predict(question, api_name="/chat")
    return messages, sources


def _text(message: dict) -> str:
    return " ".join(part["text"] for part in message["content"] if part.get("type") == "text")


UI_CASES = [c for c in TEXT_CASES if c[0] != "lone-surrogates"]  # gradio_client sends UTF-8 only


@pytest.mark.slow
@pytest.mark.parametrize(("case", "question", "message"), UI_CASES, ids=[c[0] for c in UI_CASES])
def test_ui_bad_question_gets_its_polite_message(url, case, question, message):
    started = time.perf_counter()
    messages, sources = _chat(url, question)
    assert time.perf_counter() - started < 30
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert _text(messages[1]) == message
    assert "hp-card" not in sources and "this answer failed" not in sources


@pytest.mark.slow
def test_ui_100k_character_question_is_shortened_and_refused(url):
    question = ((TAX + " ") * (HUGE // len(TAX) + 1))[:HUGE]
    messages, sources = _chat(url, question)
    answer = _text(messages[-1])
    assert answer.startswith(REFUSAL)
    assert f'<div class="hp-searched">{SHORTENED}</div>' in answer
    assert "do not answer this question" in sources and "hp-card" not in sources


def _call(url: str, body: bytes) -> httpx.Response:
    return httpx.post(f"{url}gradio_api/call/chat", content=body, headers={"content-type": "application/json"}, timeout=30)


@pytest.mark.slow
def test_ui_invalid_utf8_request_is_rejected_and_the_server_keeps_answering(url):
    bad = _call(url, b'{"data": ["\xff\xfe\x00\x80 how much"]}')
    assert bad.status_code == 400 and bad.json() == {"detail": "There was an error parsing the body"}
    garbage = _call(url, b"\xff\xfe\x00\x80")
    assert garbage.status_code == 422 and "JSON decode error" in garbage.text and "Traceback" not in garbage.text
    messages, _ = _chat(url, "😀")
    assert _text(messages[-1]) == ASK_IN_WORDS


@pytest.mark.slow
def test_ui_lone_surrogates_over_raw_http_get_the_polite_message(url):
    posted = _call(url, b'{"data": ["\\udcff\\udcfe\\udc80"]}')
    assert posted.status_code == 200
    stream = httpx.get(f"{url}gradio_api/call/chat/{posted.json()['event_id']}", timeout=60).text
    assert "event: complete" in stream and "event: error" not in stream
    final = json.loads(stream.split("event: complete\ndata: ", 1)[1].split("\n", 1)[0])
    assert _text(final[1][-1]) == ASK_IN_WORDS
