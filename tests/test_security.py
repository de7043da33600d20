"""Security defaults: loopback only unless told otherwise, optional login, indexed paths stay in their
folder, files are not served, no secrets in logs, answers or the feedback file, no stack traces shown."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import httpx
import pytest
from pydantic import ValidationError

from hpassist import Assistant
from hpassist.documents import load_paths
from hpassist.schema import Answer
from hpassist.settings import REPO_ROOT, Settings
from hpassist.ui import launch_options

from webchat import free_port, launch

pytestmark = pytest.mark.integration  # the real web chat, servers and CLI

SEEDS = REPO_ROOT / "seeds"
KOREA = "How much has Korea invested in Hai Phong?"
SECRET = "sk-hpassist-TEST-6f0c2e9d41b7a853"
UI_ENV = ("HPASSIST_HOST", "HPASSIST_PORT", "HPASSIST_SHARE", "HPASSIST_AUTH")



class _Scripted:
    """Stands in for the assistant in the web chat: answers with `reply`, or raises `error`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.error: Exception | None = None
        self.index = SimpleNamespace(chunks=list, manifest=lambda: {"built_at": None})

    def stream(self, question: str, history=None) -> Iterator[str | Answer]:
        if self.error:
            raise self.error
        yield f"You asked: {question}"
        yield Answer(text=f"You asked: {question}", search_query=question)



# ----- where the web chat listens ---------------------------------------------------------------------
def test_defaults_bind_loopback_without_sharing_or_error_details(monkeypatch):
    for name in UI_ENV:
        monkeypatch.delenv(name, raising=False)
    options = launch_options(Settings())
    assert options["server_name"] == "127.0.0.1" and options["server_port"] == 7860
    assert options["share"] is False and options["auth"] is None and options["show_error"] is False
    assert options["mcp_server"] is False


def test_other_address_only_when_told(monkeypatch):
    monkeypatch.setenv("HPASSIST_HOST", "0.0.0.0")
    monkeypatch.setenv("HPASSIST_AUTH", "staff:long-passphrase")
    options = launch_options(Settings())
    assert options["server_name"] == "0.0.0.0" and options["share"] is False
    assert options["auth"] == ("staff", "long-passphrase")


def _listeners(port: int) -> set[str]:
    """Local addresses (hex, as /proc/net/tcp* writes them) listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":
                found.add(address)
    return found


@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="needs Linux /proc/net/tcp")
def test_running_web_chat_listens_on_loopback_only(tmp_path, monkeypatch):
    for name in UI_ENV:
        monkeypatch.delenv(name, raising=False)
    port = free_port()
    app, url = launch(_Scripted(Settings(data_dir=tmp_path)), server_port=port)
    try:
        assert url == f"http://127.0.0.1:{port}/"
        assert _listeners(port) == {"0100007F"}  # 127.0.0.1, and no wildcard or IPv6 socket
    finally:
        app.close()


# ----- login ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("auth", ["alice", "alice:", ":secret", ""])
def test_malformed_login_setting_is_rejected(monkeypatch, auth):
    monkeypatch.setenv("HPASSIST_AUTH", auth)
    with pytest.raises(ValidationError, match="HPASSIST_AUTH must look like user:password"):
        Settings()


@pytest.fixture(scope="module")
def with_login(tmp_path_factory) -> Iterator[str]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("login"), auth="alice:correct horse battery")
    app, url = launch(_Scripted(settings))
    yield url
    app.close()


def test_login_required(with_login):
    from gradio_client import Client
    from gradio_client.exceptions import AuthenticationError

    for path in ("config", "gradio_api/info", "gradio_api/queue/status"):
        response = httpx.get(with_login + path)
        assert response.status_code == 401 and response.json()["detail"]["error"] == "Not authenticated"
    assert httpx.post(f"{with_login}gradio_api/call/chat", json={"data": [KOREA]}).status_code == 401
    with pytest.raises(AuthenticationError, match="credentials were not provided"):
        Client(with_login, verbose=False)


def test_wrong_password_rejected(with_login):
    from gradio_client import Client

    response = httpx.post(f"{with_login}login", data={"username": "alice", "password": "wrong"})
    assert response.status_code == 400 and response.json() == {"detail": "Incorrect credentials."}
    assert not response.cookies
    with pytest.raises(ValueError, match="Could not login"):
        Client(with_login, auth=("alice", "wrong"), verbose=False)
    with pytest.raises(ValueError, match="Could not login"):
        Client(with_login, auth=("mallory", "correct horse battery"), verbose=False)


def test_right_password_opens_the_chat(with_login):
    from gradio_client import Client

    client = Client(with_login, auth=("alice", "correct horse battery"), verbose=False)
    _, messages, _ = client.predict(KOREA, api_name="/chat")
    assert messages[-1]["content"][0]["text"] == f"You asked: {KOREA}"


# ----- files and folders ------------------------------------------------------------------------------
def test_indexed_paths_cannot_escape_their_folder(settings, assistant, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Confidential memo\nThe board approved a merger with Zenith Holdings.\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "escape.txt").symlink_to(outside / "secret.txt")
    (corpus / "escape-dir").symlink_to(outside, target_is_directory=True)
    (corpus / "inside.txt").symlink_to(corpus / "001_20d133c255b65173.txt")

    skipped = {r.source: r.skipped for r in load_paths([corpus], settings.max_file_bytes) if not r.document}
    assert skipped == {"escape-dir": "symlinked folder, not followed", "escape.txt": "symlink to a file outside the folder"}

    shutil.copytree(settings.index_dir, tmp_path / "data" / "index")
    linked = Assistant(Settings(data_dir=tmp_path / "data", corpus_dirs=[corpus]), chat_model=assistant.generator.chat_model)
    texts = [c.text for c in linked.index.chunks()]
    assert texts and not any("Zenith" in t for t in texts)
    assert set(linked.index.manifest()["sources"]) == {p.name for p in SEEDS.glob("*.txt")}  # inside.txt: same file
    answer = linked.ask("What did the board approve with Zenith Holdings?")
    assert answer.refused and "Zenith" not in " ".join(c.quote for c in answer.citations)


@pytest.fixture(scope="module")
def open_chat(tmp_path_factory) -> Iterator[tuple[str, Settings]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("open"))
    (settings.data_dir / "feedback.jsonl").write_text('{"rating": "up"}\n', encoding="utf-8")
    app, url = launch(_Scripted(settings))
    yield url, settings
    app.close()


def test_web_chat_serves_no_files_from_disk(open_chat):
    url, settings = open_chat
    private = [settings.data_dir / "feedback.jsonl", SEEDS / "001_20d133c255b65173.txt", Path("/etc/passwd")]
    for path in private:
        response = httpx.get(f"{url}gradio_api/file={path}")
        assert response.status_code == 403 and response.json() == {"detail": f"File not allowed: {path}."}
    for path in ("gradio_api/file=../../../../etc/passwd", "file=/etc/passwd", "gradio_api/file=%2e%2e/%2e%2e/etc/passwd"):
        response = httpx.get(url + path)
        assert response.status_code in (403, 404) and "root:" not in response.text


# ----- secrets ----------------------------------------------------------------------------------------
class _OpenAIServer(BaseHTTPRequestHandler):
    """A tiny OpenAI-compatible chat server: repeats fact [1] of the prompt, or refuses the key."""

    protocol_version = "HTTP/1.0"
    seen_keys: ClassVar[list[str]] = []
    deny: ClassVar[bool] = False

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_POST(self) -> None:  # http.server's name for POST
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = self.headers.get("Authorization", "")
        type(self).seen_keys.append(key)
        if type(self).deny:
            self._send(401, {"error": {"message": f"Incorrect API key provided: {key}", "type": "invalid_request_error"}})
            return
        prompt = "\n".join(m["content"] for m in body["messages"])
        fact = re.search(r"^\[1\] \([^)]*\) (.+)$", prompt, re.MULTILINE)
        text = fact.group(1) if fact else "Hai Phong"
        if not body.get("stream"):
            self._send(200, {"id": "c", "object": "chat.completion", "created": 0, "model": "m", "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]})  # fmt: skip
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for delta, finish in (({"role": "assistant", "content": text}, None), ({}, "stop")):
            chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}  # fmt: skip
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def model_server() -> Iterator[type[_OpenAIServer]]:
    handler = type("Handler", (_OpenAIServer,), {"seen_keys": [], "deny": False})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield handler
    server.shutdown()
    server.server_close()


@pytest.fixture
def keyed(settings, assistant, tmp_path, model_server) -> Settings:
    shutil.copytree(settings.index_dir, tmp_path / "data" / "index")
    return Settings(
        data_dir=tmp_path / "data", corpus_dirs=[SEEDS], llm="openai", openai_base_url=model_server.url,
        openai_api_key=SECRET, llm_timeout=30,
    )  # fmt: skip


def test_api_key_is_used_but_never_logged_shown_or_stored(keyed, model_server, caplog):
    from gradio_client import Client

    caplog.set_level(logging.DEBUG)
    assistant = Assistant(keyed)
    app, url = launch(assistant)
    try:
        client = Client(url, verbose=False)
        _, messages, sources = client.predict(KOREA, api_name="/chat")
        answer = messages[-1]["content"][0]["text"]
        assert client.predict(KOREA, answer, "up", [], api_name="/feedback") == "recorded"
        config = httpx.get(url + "config").text + httpx.get(url + "gradio_api/info").text
    finally:
        app.close()
    assert model_server.seen_keys and set(model_server.seen_keys) == {f"Bearer {SECRET}"}
    assert "US$15.4 billion" in answer and "not available" not in answer
    feedback = (keyed.data_dir / "feedback.jsonl").read_text(encoding="utf-8")
    assert json.loads(feedback.splitlines()[-1])["rating"] == "up"
    assert caplog.records  # DEBUG logging of hpassist, openai, httpx... was on
    for where in (caplog.text, answer, sources, feedback, config, repr(keyed), str(keyed)):
        assert SECRET not in where and SECRET[-12:] not in where


def test_key_refused_by_the_server_is_not_echoed(keyed, model_server, caplog):
    caplog.set_level(logging.DEBUG)
    model_server.deny = True
    answer = Assistant(keyed).ask(KOREA)
    assert model_server.seen_keys == [f"Bearer {SECRET}"]
    assert (
        "The language model is not available right now (The model server refused the API key (HTTP 401): "
        f"check HPASSIST_OPENAI_API_KEY; server {model_server.url})" in answer.text
    )
    assert answer.citations  # the passages are still shown
    assert SECRET not in answer.text and SECRET not in caplog.text


def test_cli_verbose_log_has_no_key(settings, assistant, tmp_path):
    shutil.copytree(settings.index_dir, tmp_path / "data" / "index")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1",
        "PYTHONIOENCODING": "utf-8", "HPASSIST_DATA_DIR": str(tmp_path / "data"),
        "HPASSIST_CORPUS_DIRS": json.dumps([str(SEEDS)]), "HPASSIST_LLM": "openai",
        "HPASSIST_OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1", "HPASSIST_OPENAI_API_KEY": SECRET,
    }  # fmt: skip
    run = subprocess.run(
        [sys.executable, "-m", "hpassist.cli", "-v", "ask", KOREA], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert run.returncode == 0, run.stderr
    assert "INFO" in run.stderr or "WARNING" in run.stderr  # verbose logging was on
    assert "start the model server or fix HPASSIST_OPENAI_BASE_URL" in run.stdout and "Sources:" in run.stdout
    assert SECRET not in run.stdout and SECRET not in run.stderr


# ----- no stack traces --------------------------------------------------------------------------------
def test_web_chat_never_shows_a_stack_trace(tmp_path):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    scripted = _Scripted(Settings(data_dir=tmp_path))
    app, url = launch(scripted)
    try:
        client = Client(url, verbose=False)
        scripted.error = RuntimeError(f'File "/srv/hpassist/src/hpassist/index.py", line 3, in open: key={SECRET}')
        _, messages, sources = client.predict(KOREA, api_name="/chat")
        with pytest.raises(AppError) as raised:  # a malformed call to the feedback API
            client.predict(KOREA, "answer", "up", ["not a citation"], api_name="/feedback")
    finally:
        app.close()
    shown = messages[-1]["content"][0]["text"]
    assert shown == "⚠️ Something went wrong while answering (RuntimeError). Please try again; details are in the server log."
    assert "this answer failed" in sources
    error = str(raised.value)
    assert "has not enabled verbose error reporting" in error
    for text in (shown, sources, error):
        assert "Traceback" not in text and 'File "' not in text and SECRET not in text and "AttributeError" not in text
