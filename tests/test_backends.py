"""The scaled-out backends against real servers on 127.0.0.1, started and stopped here.

- `python -m llama_cpp.server` serving the bundled GGUF, reached through the `openai` LLM backend;
- `chroma run`, reached through HPASSIST_CHROMA_URL / Settings(chroma_url=...).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from hpassist import Assistant, cli
from hpassist.documents import load_folder
from hpassist.index import Index, IndexUnavailable
from hpassist.llm import bundled_model
from hpassist.query import parse_query
from hpassist.retrieval import Retriever
from hpassist.schema import Answer
from hpassist.settings import REPO_ROOT, Settings

from webchat import free_port

pytestmark = pytest.mark.integration  # real llama.cpp and Chroma servers on 127.0.0.1

SEEDS = REPO_ROOT / "seeds"
QUESTION = "How much has Korea invested in Hai Phong?"
MODEL_DOWN = "The language model is not available right now"



def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def running(command: list[str], ready_url: str, log: Path, timeout: float) -> Iterator[subprocess.Popen]:
    """Start a server process, wait until `ready_url` answers 200, and stop it afterwards."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while not _ready(ready_url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{command[0]} did not start (exit {process.poll()}):\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def verified_citations(answer: Answer) -> None:
    """Every citation quotes its seed file exactly at its offsets, and the text uses its markers."""
    raw = {d.source: d.raw for d in load_folder(SEEDS)}
    assert answer.citations
    for c in answer.citations:
        assert raw[c.source][c.start : c.end] == c.quote
        assert f"[{c.index}]" in answer.text


# ----- the openai backend against llama.cpp's server ------------------------------------------------
@pytest.fixture(scope="module")
def llm_url(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m llama_cpp.server` serving the bundled GGUF; yields its OpenAI base URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_model(settings)),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "1024", "--n_threads", str(settings.n_threads),
    ]  # fmt: skip
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with running(command, f"http://127.0.0.1:{port}/v1/models", log, timeout=180):
        yield f"http://127.0.0.1:{port}/v1"


def openai_settings(settings: Settings, base_url: str, timeout: float = 120.0) -> Settings:
    """The session's data dir and seeds, with the `openai` LLM backend at `base_url`."""
    return Settings(
        data_dir=settings.data_dir, corpus_dirs=[SEEDS], llm="openai", openai_base_url=base_url, llm_timeout=timeout
    )


def test_openai_backend_answers_with_verified_citations(settings: Settings, llm_url: str):
    answer = Assistant(openai_settings(settings, llm_url)).ask("What did Lee Kyung Hee recommend?")
    assert not answer.refused
    assert MODEL_DOWN not in answer.text
    assert "model_first_token" in answer.timings  # the server's tokens reached the verifier
    verified_citations(answer)


def test_openai_backend_streams(settings: Settings, llm_url: str):
    events = list(Assistant(openai_settings(settings, llm_url)).stream("Hàn Quốc đã đầu tư bao nhiêu vào Hải Phòng?"))
    answer = events[-1]
    deltas = events[:-1]
    assert isinstance(answer, Answer) and deltas and all(isinstance(d, str) for d in deltas)
    assert "".join(deltas) == answer.text
    assert answer.language == "vi" and not answer.refused and MODEL_DOWN not in answer.text
    assert "model_first_token" in answer.timings
    verified_citations(answer)


def test_server_down_gives_a_clear_message_and_the_passages(settings: Settings):
    answer = Assistant(openai_settings(settings, f"http://127.0.0.1:{free_port()}/v1")).ask(QUESTION)
    assert MODEL_DOWN in answer.text and "Connection error" in answer.text
    verified_citations(answer)


def test_server_that_never_answers_times_out(settings: Settings):
    with socket.socket() as silent:  # accepts connections (backlog) but never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/v1"
        assistant = Assistant(openai_settings(settings, url, timeout=1.0))
        started = time.monotonic()
        answer = assistant.ask(QUESTION)
        elapsed = time.monotonic() - started
    assert MODEL_DOWN in answer.text and "timed out" in answer.text
    assert elapsed < 30
    verified_citations(answer)


# ----- Chroma server ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`chroma run` on a temporary path; yields its URL."""
    port = free_port()
    store = tmp_path_factory.mktemp("chroma-server")
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    command = [chroma, "run", "--path", str(store / "db"), "--host", "127.0.0.1", "--port", str(port)]
    with running(command, f"http://127.0.0.1:{port}/api/v2/heartbeat", store / "server.log", timeout=60):
        yield f"http://127.0.0.1:{port}"


def test_chroma_server_index_query_reindex(
    chroma_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    monkeypatch.setenv("HPASSIST_CHROMA_URL", chroma_url)
    monkeypatch.setenv("HPASSIST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HPASSIST_CORPUS_DIRS", json.dumps([str(corpus)]))
    assert cli.main(["index"]) == 0
    assert f"Index at {chroma_url}: 5 added" in capsys.readouterr().out
    assert not (tmp_path / "data" / "index").exists()  # nothing went to the embedded store

    settings = Settings(data_dir=tmp_path / "data", corpus_dirs=[corpus], chroma_url=chroma_url)
    assistant = Assistant(settings, sync=False)
    assert len(assistant.index.manifest()["sources"]) == 5
    assert "001_20d133c255b65173.txt" in [h.chunk.source for h in assistant.retrieve(QUESTION, k=8)]

    (corpus / "002_6f378ff92cb49c87.txt").unlink()
    changed = corpus / "000_016a87d59e7f0adc.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nThe city also opened a new logistics centre in 2025.", encoding="utf-8")
    report = Index(settings).sync(load_folder(corpus))
    assert report.removed == ["002_6f378ff92cb49c87.txt"] and report.updated == ["000_016a87d59e7f0adc.txt"]
    assert len(report.unchanged) == 3 and 0 < report.sentences_embedded < 40

    reopened = Index(settings)
    hits = Retriever(reopened, settings).search(parse_query("new logistics centre", 120, 4000)).chunks
    assert hits[0].chunk.source == "000_016a87d59e7f0adc.txt"
    assert reopened.collection.count() == sum(len(c.sentences) for c in reopened.chunks())  # no stale records


def test_chroma_server_down_is_a_clear_error(tmp_path: Path):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(IndexUnavailable, match=f"Chroma server at {url} is not reachable"):
        Index(Settings(data_dir=tmp_path, chroma_url=url))
