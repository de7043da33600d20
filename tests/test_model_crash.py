"""A native crash of the model (SIGSEGV in the worker process, mid-answer) never takes HP Assist down:
that answer degrades to its cited passages with a notice, the log says what happened, the worker comes
back, and the next question, and every other session, gets a normal answer."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from hpassist.model_process import ModelProcess
from hpassist.prompts import messages as phrases

from webchat import launch

pytestmark = pytest.mark.slow
QUESTION = "What does Hải Phòng offer foreign investors?"  # a model-written answer, several sentences long
OTHER = "How many industrial parks does Hai Phong have?"


@contextmanager
def segfault_mid_answer(process: ModelProcess) -> Iterator[threading.Event]:
    """Send the worker a real SIGSEGV right after the first generated text reaches the parent."""
    original = process.request
    fired = threading.Event()

    def request(op: str, **payload):
        for reply in original(op, **payload):
            yield reply
            if op == "chat" and reply.get("delta") and not fired.is_set():
                fired.set()
                os.kill(process.pid, signal.SIGSEGV)

    process.request = request
    try:
        yield fired
    finally:
        del process.request


def model_down_notice(settings) -> str:
    return phrases(settings.prompts_dir, "en")["model_down"].split("(")[0].strip()


def test_segfault_mid_answer_degrades_that_answer_only(assistant, settings, caplog) -> None:
    process = assistant.generator.chat_model.process
    process.start()  # the worker is up
    before = process.pid
    caplog.set_level(logging.ERROR, logger="hpassist.model_process")
    with segfault_mid_answer(process) as fired:
        crashed = assistant.ask(QUESTION)
    assert fired.is_set()
    assert model_down_notice(settings) in crashed.text and "SIGSEGV" in crashed.text
    assert crashed.citations and not crashed.refused  # the cited passages stand in for the answer
    assert any("died (signal SIGSEGV)" in r.getMessage() for r in caplog.records)

    after = assistant.ask(QUESTION)
    assert model_down_notice(settings) not in after.text
    assert after.citations and process.pid not in (None, before)
    assert process.restarts >= 1


def test_other_sessions_of_the_web_chat_do_not_notice(assistant, settings) -> None:
    """Two browser sessions ask at once; the worker crashes under the first. The server stays up, the
    second session's answer (queued behind it) is normal, and so is a new session's, asked afterwards."""
    from gradio_client import Client

    process = assistant.generator.chat_model.process
    app, url = launch(assistant)
    try:
        first, second = Client(url, verbose=False), Client(url, verbose=False)
        notice = model_down_notice(settings)
        with segfault_mid_answer(process) as fired:
            crashed_job = first.submit(QUESTION, api_name="/chat")
            fired.wait(timeout=120)
            other_job = second.submit(OTHER, api_name="/chat")
            crashed = _answer_text(crashed_job.result(timeout=180))
        other = _answer_text(other_job.result(timeout=180))
        assert fired.is_set() and notice in crashed
        assert notice not in other and "[1]" in other
        again = _answer_text(Client(url, verbose=False).predict(OTHER, api_name="/chat"))
        assert notice not in again and "[1]" in again
    finally:
        app.close()


def _answer_text(result) -> str:
    _, messages, _ = result
    return " ".join(part["text"] for part in messages[-1]["content"] if part.get("type") == "text")
