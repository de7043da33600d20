"""Faults: the model server down or silent, the index missing, never built or corrupted, the disk full while
indexing, the model file damaged. Each gives a clear message naming the fix, and when only the model is
missing, the relevant passages are still shown with their citations."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromadb.api.models.Collection import Collection
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

from hpassist import Answer, Assistant, cli
from hpassist.documents import load_folder
from hpassist.index import Index, IndexUnavailable
from hpassist.llm import MODEL_FILE, ModelUnavailable, bundled_model, make_chat_model
from hpassist.settings import REPO_ROOT, Settings
from hpassist.ui import respond

from webchat import free_port, launch

pytestmark = pytest.mark.integration  # real indexes, servers and CLI runs, broken on purpose

SEEDS = REPO_ROOT / "seeds"
KOREA = "How much has Korea invested in Hai Phong?"
MODEL_DOWN = "The language model is not available right now"
PASSAGES = "Here are the most relevant passages instead:"
EDITED = "004_4a7404cd8ec4a6c3.txt"  # 36 sentences: two batches of records
NEW_FACT = "Thành phố cũng đã khai trương một trung tâm logistics kho lạnh cho doanh nghiệp xuất khẩu thủy sản năm 2026."


class _Silent(GenericFakeChatModel):
    """A chat model that says nothing (the answer then quotes its evidence)."""

    def _stream(self, *args, **kwargs) -> Iterator:
        return iter(())



def copy_index(settings: Settings, data_dir: Path) -> Path:
    """A copy of the session's index in a data dir of its own."""
    shutil.copytree(settings.index_dir, data_dir / "index")
    return data_dir


def passages_shown(answer: Answer) -> None:
    """After the model-down notice the answer quotes passages verbatim from the seed files, with their [n]."""
    raw = {d.source: d.raw for d in load_folder(SEEDS)}
    assert answer.citations and PASSAGES in answer.text
    for c in answer.citations:
        assert raw[c.source][c.start : c.end] == c.quote and f"[{c.index}]" in answer.text
    after = answer.text.split(PASSAGES, 1)[1]
    assert any(f"“{c.quote}” [{c.index}]" in after for c in answer.citations)


@pytest.fixture(scope="module")
def built(settings: Settings, assistant) -> Settings:
    """The session's settings once its index exists."""
    return settings


def server_settings(settings: Settings, url: str, timeout: float = 60.0) -> Settings:
    return Settings(data_dir=settings.data_dir, corpus_dirs=[SEEDS], llm="openai", openai_base_url=url, llm_timeout=timeout)


# ----- the model server -------------------------------------------------------------------------------
def test_model_server_unreachable_names_the_fix_and_shows_the_passages(built):
    url = f"http://127.0.0.1:{free_port()}/v1"
    answer = Assistant(server_settings(built, url)).ask(KOREA)
    assert (
        f"{MODEL_DOWN} (Connection error: start the model server or fix HPASSIST_OPENAI_BASE_URL; now {url}). {PASSAGES}"
        in answer.text
    )
    assert not answer.refused and "15,4 tỷ USD" in answer.text
    passages_shown(answer)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A port that accepts connections (into its backlog) and never answers."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        yield f"http://127.0.0.1:{silent.getsockname()[1]}/v1"


def test_model_server_that_never_answers_times_out_names_the_fix_and_shows_the_passages(built, silent_server):
    assistant = Assistant(server_settings(built, silent_server, timeout=1.0))
    started = time.monotonic()
    answer = assistant.ask(KOREA)
    assert time.monotonic() - started < 20
    assert (
        f"{MODEL_DOWN} (Request timed out after 1 s: check the model server or raise HPASSIST_LLM_TIMEOUT; "
        f"server {silent_server}). {PASSAGES}" in answer.text
    )
    passages_shown(answer)


def test_model_server_password_in_the_url_is_not_shown(built):
    port = free_port()
    answer = Assistant(server_settings(built, f"http://alice:s3cret-pass@127.0.0.1:{port}/v1?key=abc")).ask(KOREA)
    assert f"now http://127.0.0.1:{port}/v1)" in answer.text
    assert "s3cret-pass" not in answer.text and "alice" not in answer.text and "key=abc" not in answer.text


@pytest.mark.slow
def test_web_chat_with_the_model_server_down_shows_the_passages(built):
    from gradio_client import Client

    assistant = Assistant(server_settings(built, f"http://127.0.0.1:{free_port()}/v1"))
    app, url = launch(assistant)
    try:
        _, messages, sources = Client(url, verbose=False).predict(KOREA, api_name="/chat")
    finally:
        app.close()
    text = messages[-1]["content"][0]["text"]
    assert MODEL_DOWN in text and "start the model server or fix HPASSIST\\_OPENAI\\_BASE\\_URL" in text
    assert 'href="#hp-src-1-1">[1]</a>' in text
    assert 'class="hp-card"' in sources and "<mark>" in sources and "15,4 tỷ USD" in sources
    assert "this answer failed" not in sources


# ----- the index --------------------------------------------------------------------------------------
def test_index_deleted_while_running_answers_or_names_the_fix(built, tmp_path):
    """Chroma may go on reading the files it holds open, or fail as soon as it reopens them: either the
    answer is normal and cited, or the error names the fix; never an unexplained failure."""
    settings = Settings(data_dir=copy_index(built, tmp_path / "data"), corpus_dirs=[SEEDS])
    assistant = Assistant(settings, chat_model=_Silent(messages=iter(())))
    shutil.rmtree(settings.index_dir)
    fix = re.compile(
        rf"^The index cannot be read: (its folder {re.escape(str(settings.index_dir))} is missing; |delete "
        rf"{re.escape(str(settings.index_dir))} and )run `hpassist index` to rebuild it, then restart \(\w+: .*\)\.$",
        re.DOTALL,
    )
    for _ in range(3):
        try:
            answer = assistant.ask(KOREA)
        except IndexUnavailable as exc:
            assert fix.match(str(exc)), str(exc)
        else:
            assert not answer.refused and "US$15.4 billion" in answer.text and answer.citations
        turn = list(respond(assistant, KOREA, []))[-1][-1]  # the web chat
        if turn["error"]:
            assert turn["answer"].startswith("⚠️ HP Assist cannot answer right now: The index cannot be read: ")
            assert "run `hpassist index` to rebuild it" in turn["answer"]
        else:
            assert "US$15.4 billion" in turn["answer"] and turn["citations"]


def test_index_never_built_names_the_fix(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", corpus_dirs=[tmp_path / "no-such-folder"])
    assistant = Assistant(settings)
    with pytest.raises(IndexUnavailable) as raised:
        assistant.ask(KOREA)
    assert str(raised.value) == (
        f"The index at {settings.index_dir} holds no documents yet. Run `hpassist index` "
        "(it reads the folders in HPASSIST_CORPUS_DIRS)."
    )
    assert assistant.ask("😀").text.startswith("Please type a question in words")  # bad input still polite


def test_cli_index_never_built_names_the_fix(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HPASSIST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HPASSIST_CORPUS_DIRS", json.dumps([str(tmp_path / "no-such-folder")]))
    assert cli.main(["ask", KOREA]) == 1
    err = capsys.readouterr().err
    assert f"hpassist: The index at {tmp_path / 'data' / 'index'} holds no documents yet. Run `hpassist index`" in err
    assert "Traceback" not in err


@pytest.fixture
def corrupted(built, tmp_path) -> Settings:
    """A copy of the index whose database file starts with garbage."""
    settings = Settings(data_dir=copy_index(built, tmp_path / "data"), corpus_dirs=[SEEDS])
    with (settings.index_dir / "chroma.sqlite3").open("r+b") as f:
        f.write(b"\x00garbage\xff" * 400)
    return settings


def test_corrupted_index_names_the_fix(corrupted):
    with pytest.raises(IndexUnavailable) as raised:
        Assistant(corrupted)
    message = str(raised.value)
    assert message.startswith(f"The index at {corrupted.index_dir} cannot be opened (")
    assert "file is not a database" in message
    assert message.endswith("Delete that folder and run `hpassist index` to rebuild it.")


def test_cli_corrupted_index_names_the_fix(corrupted, monkeypatch, capsys):
    monkeypatch.setenv("HPASSIST_DATA_DIR", str(corrupted.data_dir))
    monkeypatch.setenv("HPASSIST_CORPUS_DIRS", json.dumps([str(SEEDS)]))
    assert cli.main(["ask", KOREA]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"hpassist: The index at {corrupted.index_dir} cannot be opened (")
    assert "Delete that folder and run `hpassist index` to rebuild it." in err and "Traceback" not in err


# ----- disk full while indexing -----------------------------------------------------------------------
@pytest.fixture
def changed_corpus(built, tmp_path) -> tuple[Settings, dict[str, str]]:
    """A copy of the index and of the seeds, one seed edited and one article added; the committed manifest."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    edited = corpus / EDITED
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("Có thể bạn quan tâm", f"{NEW_FACT}\nCó thể bạn quan tâm"), encoding="utf-8")
    (corpus / "010_new.txt").write_text(
        "Hai Phong port news\nLach Huyen port handled a record number of containers this spring.\n", encoding="utf-8"
    )
    settings = Settings(data_dir=copy_index(built, tmp_path / "data"), corpus_dirs=[corpus])
    return settings, dict(Index(settings).manifest()["sources"])


DISK_FULL = [
    ("oserror-enospc", OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))),
    ("sqlite-disk-full", RuntimeError("error returned from database: (code: 13) database or disk is full")),
]


@pytest.mark.parametrize(("case", "error"), DISK_FULL, ids=[d[0] for d in DISK_FULL])
def test_disk_full_while_indexing_keeps_the_previous_index(changed_corpus, monkeypatch, case, error):
    settings, before = changed_corpus
    real_add = Collection.add
    calls = {"n": 0}

    def add_until_full(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] >= 2:  # the first batch is written, then the disk is full
            raise error
        return real_add(self, *args, **kwargs)

    monkeypatch.setattr(Collection, "add", add_until_full)
    index = Index(settings)
    with pytest.raises(IndexUnavailable) as raised:
        index.sync(load_folder(settings.corpus_dirs[0]))
    message = str(raised.value)
    assert message.startswith(
        f"Indexing stopped: free disk space for {settings.index_dir}, then run `hpassist index` again; "
        "the previous index is still usable ("
    )
    assert message.endswith(f"{type(error).__name__}: {error}).")
    monkeypatch.setattr(Collection, "add", real_add)

    reopened = Index(settings)
    assert reopened.manifest()["sources"] == before  # nothing half-written was committed
    assert all(NEW_FACT not in c.text for c in reopened.chunks())
    found = Assistant(settings, sync=False).retrieve(KOREA, k=8)
    assert "001_20d133c255b65173.txt" in [c.chunk.source for c in found]

    report = reopened.sync(load_folder(settings.corpus_dirs[0]))  # with space again, the next run finishes
    assert report.updated == [EDITED] and report.added == ["010_new.txt"]
    assert any(NEW_FACT in c.text for c in reopened.chunks())
    assert reopened.collection.count() == sum(len(c.sentences) for c in reopened.chunks())  # no leftovers


def test_cli_disk_full_while_indexing_names_the_fix(changed_corpus, monkeypatch, capsys):
    settings, before = changed_corpus

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Collection, "add", full)
    monkeypatch.setenv("HPASSIST_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("HPASSIST_CORPUS_DIRS", json.dumps([str(settings.corpus_dirs[0])]))
    assert cli.main(["index"]) == 1
    err = capsys.readouterr().err  # the progress bar shares stderr
    assert (
        f"hpassist: Indexing stopped: free disk space for {settings.index_dir}, then run `hpassist index` again; "
        "the previous index is still usable (OSError: [Errno 28] No space left on device).\n" in err
    )
    assert "Traceback" not in err
    monkeypatch.undo()
    assert Index(settings).manifest()["sources"] == before


# ----- the model file ---------------------------------------------------------------------------------
def test_model_file_failing_its_checksum_names_the_fix_and_the_passages_are_shown(built, tmp_path):
    data = copy_index(built, tmp_path / "data")
    settings = Settings(data_dir=data, models_dir=data / "models", corpus_dirs=[SEEDS])
    settings.model_dir.mkdir(parents=True)
    damaged = settings.model_dir / MODEL_FILE
    damaged.write_bytes(b"GGUF" + b"\x00" * 4096)
    with pytest.raises(ModelUnavailable) as raised:
        make_chat_model(settings)
    assert str(raised.value).startswith(
        "The model file fails its checksum: delete it and HP Assist rebuilds it from the installed packages. "
        f"File: {damaged} (SHA-256 "
    )
    answer = Assistant(settings).ask(KOREA)
    assert f"{MODEL_DOWN} (The model file fails its checksum: delete it and HP Assist rebuilds it" in answer.text
    passages_shown(answer)

    damaged.unlink()  # the fix the message names
    try:
        assert bundled_model(settings) == damaged and damaged.stat().st_size > 400_000_000
    finally:
        damaged.unlink(missing_ok=True)


def test_own_model_file_failing_its_checksum_names_the_fix(tmp_path):
    own = tmp_path / "mine.gguf"
    own.write_bytes(b"GGUF not really")
    settings = Settings(data_dir=tmp_path, model_path=own, model_path_sha256="0" * 64)
    with pytest.raises(ModelUnavailable, match=r"^The model file fails its checksum: replace it, or correct HPASSIST_MODEL_PATH_SHA256\. "):
        make_chat_model(settings)
