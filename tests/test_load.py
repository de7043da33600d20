"""Load through the web chat's API: 20 concurrent sessions (gradio_client), three questions each.

The real index, retrieval, refusal gate and citation verifier run for every question; the chat model is a
scripted one that repeats its first fact (so the load is the program's, not the small model's). The app uses
the shipped queue settings (one answer at a time, at most 32 waiting): every question waits its turn, none
fails, and each session sees only its own questions and answers. A second test overfills a small queue:
the excess gets gradio's "Queue is full" busy message at once instead of piling up.
"""

from __future__ import annotations

import html
import json
import re
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from fakes import EchoFirstFact
from hpassist import Assistant
from hpassist.schema import Answer
from hpassist.settings import REPO_ROOT, Settings

from webchat import launch

pytestmark = pytest.mark.slow
SESSIONS = 20
REFUSAL_START = "I could not find this in the documents I have"
# Answerable questions and the seed file their cited passages come from. Each names a country or a person,
# or is long, so that after earlier turns it is not taken for a follow-up.
ANSWERABLE = [
    ("How much has Korea invested in Hai Phong?", "001_20d133c255b65173.txt"),
    ("What did Lee Kyung Hee recommend?", "000_016a87d59e7f0adc.txt"),
    ("Hàn Quốc đã đầu tư bao nhiêu vào Hải Phòng?", "001_20d133c255b65173.txt"),
    ("한국은 하이퐁에 얼마나 투자했나요?", "001_20d133c255b65173.txt"),
    ("What did Hai Phong leaders discuss with Seoul Startup Hub?", "003_3c4a89308bf3df6f.txt"),
    ("What did the Chungbuk Free Economic Zone delegation discuss in Hai Phong?", "004_4a7404cd8ec4a6c3.txt"),
    ("What does Hai Phong promise to foreign direct investment enterprises in the city?", "000_016a87d59e7f0adc.txt"),
    ("What is the occupancy rate of industrial parks in Hai Phong?", "004_4a7404cd8ec4a6c3.txt"),
    ("What did SKC discuss with Hai Phong?", "003_3c4a89308bf3df6f.txt"),
    ("How many Korean projects are there in Hai Phong?", "000_016a87d59e7f0adc.txt"),
]


def session_questions(n: int) -> list[tuple[str, str | None]]:
    """Three questions for session n, different from every other session's: (question, expected source or
    None for a refusal)."""
    first, last = ANSWERABLE[n % len(ANSWERABLE)], ANSWERABLE[(n + 3) % len(ANSWERABLE)]
    return [first, (f"What is the corporate income tax rate in Hai Phong in {2030 + n}?", None), last]


def text_of(message: dict) -> str:
    return " ".join(part["text"] for part in message["content"] if part.get("type") == "text")


def latest_sources(sources: str) -> tuple[str, str]:
    """(summary, body) of the newest answer's source section (the open one, listed first)."""
    m = re.match(r"<details open><summary>(.*?)</summary>\n(.*?)\n</details>", sources, re.DOTALL)
    assert m, sources[:300]
    return html.unescape(m.group(1)), m.group(2)


def run_session(url: str, n: int, latencies: list[float], lock: threading.Lock) -> list[str]:
    """Ask session n's questions in one gradio_client session; return what went wrong (nothing, we hope)."""
    from gradio_client import Client

    problems: list[str] = []
    client = Client(url, verbose=False)
    asked: list[str] = []
    for turn, (question, source) in enumerate(session_questions(n), start=1):
        started = time.perf_counter()
        try:
            box, messages, sources = client.predict(question, api_name="/chat")
        except Exception as exc:  # noqa: BLE001 - every failure is a finding
            problems.append(f"session {n} turn {turn}: {type(exc).__name__}: {exc}")
            continue
        with lock:
            latencies.append(time.perf_counter() - started)
        asked.append(question)
        users = [text_of(m) for m in messages if m["role"] == "user"]
        answers = [text_of(m) for m in messages if m["role"] == "assistant"]
        summary, body = latest_sources(sources)
        checks = {
            "question box cleared": box == "",
            "only this session's questions, in order": users == asked and len(answers) == len(asked),
            "sources are for this question": summary == f"{turn}. {question}",
        }
        if source is None:
            checks["refused"] = answers[-1].startswith(REFUSAL_START) and "do not answer this question" in body
        else:
            checks["cited"] = 'class="hp-cite"' in answers[-1] and f"· {source}</div>" in body
            checks["not refused"] = not answers[-1].startswith(REFUSAL_START) and "went wrong" not in answers[-1]
        problems += [f"session {n} turn {turn} ({question!r}): {name}" for name, ok in checks.items() if not ok]
    return problems


@pytest.fixture(scope="module")
def loaded_app(settings: Settings, assistant) -> Iterator[tuple[str, Settings]]:
    echo = Assistant(settings, chat_model=EchoFirstFact())
    assert (echo.settings.concurrency, echo.settings.max_queue) == (1, 32)  # the shipped queue settings
    app, url = launch(echo)
    yield url, echo.settings
    app.close()


def test_twenty_concurrent_sessions(loaded_app, tmp_path_factory):
    url, _ = loaded_app
    questions = {q for n in range(SESSIONS) for q, _ in session_questions(n)}
    assert len({tuple(q for q, _ in session_questions(n)) for n in range(SESSIONS)}) == SESSIONS  # all different
    latencies: list[float] = []
    lock = threading.Lock()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        results = list(pool.map(lambda n: run_session(url, n, latencies, lock), range(SESSIONS)))
    wall = time.perf_counter() - started
    problems = [p for r in results for p in r]
    requests = len(latencies)
    p95 = statistics.quantiles(latencies, n=20)[-1] if requests >= 2 else float("nan")
    figures = {
        "sessions": SESSIONS,
        "requests": requests,
        "distinct_questions": len(questions),
        "errors": len(problems),
        "wall_s": round(wall, 2),
        "throughput_rps": round(requests / wall, 3),
        "latency_p50_s": round(statistics.median(latencies), 2) if latencies else None,
        "latency_p95_s": round(p95, 2),
        "latency_max_s": round(max(latencies), 2) if latencies else None,
    }
    print("\nload:", json.dumps(figures))
    out = REPO_ROOT / "test-output"
    out.mkdir(exist_ok=True)
    (out / "load.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    assert problems == [], "\n".join(problems)
    assert requests == SESSIONS * 3
    assert wall < 600


class _Slow:
    """A scripted assistant that takes `seconds` per answer and repeats the question."""

    def __init__(self, settings: Settings, seconds: float) -> None:
        self.settings, self.seconds = settings, seconds
        self.index = SimpleNamespace(chunks=list, manifest=lambda: {"built_at": None})

    def stream(self, question: str, history=None) -> Iterator[str | Answer]:
        time.sleep(self.seconds)
        yield f"Answer to {question}"
        yield Answer(text=f"Answer to {question}", search_query=question)


def test_overfilled_queue_gets_a_busy_message_not_a_pile_up(tmp_path):
    from gradio_client import Client
    from gradio_client.utils import QueueError

    settings = Settings(data_dir=tmp_path, concurrency=1, max_queue=2)
    app, url = launch(_Slow(settings, seconds=1.0))
    try:
        clients = [Client(url, verbose=False) for _ in range(8)]
        jobs = [client.submit(f"question {n}", api_name="/chat") for n, client in enumerate(clients)]
        answered, busy = [], []
        for n, job in enumerate(jobs):
            try:
                _, messages, _ = job.result(timeout=120)
                answered.append((n, text_of(messages[-1])))
            except QueueError as exc:
                busy.append(str(exc))
    finally:
        app.close()
    assert 1 <= len(answered) <= 3 and len(answered) + len(busy) == 8  # one answering, two waiting
    assert all(text == f"Answer to question {n}" for n, text in answered)
    assert busy and set(busy) == {"Queue is full! Please try again."}
