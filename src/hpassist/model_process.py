"""Supervise the model worker (`model_worker.py`): start it, talk to it over a pipe, restart it when it dies.

The web chat and every other caller live in the parent process, so a native crash of llama.cpp costs
one answer (it degrades to the cited passages, see `Pipeline.run`) instead of the whole server.
One request at a time; others wait for the lock, as they waited for the in-process model before.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, IO

from .generation import GenerationError

log = logging.getLogger(__name__)

_RESTARTS_WINDOW_S = 120.0  # a worker dying this many times …
_RESTARTS_MAX = 3  # … within this window is not restarted for the cool-down below
_COOL_DOWN_S = 60.0


def describe_exit(code: int | None) -> str:
    """'signal SIGSEGV' / 'exit code 1' for a Popen return code."""
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


class ModelProcess:
    """A restartable `python -m hpassist.model_worker` child with a JSON-lines request/reply protocol."""

    def __init__(
        self,
        model_path: str,
        n_ctx: int,
        n_threads: int,
        log_path: Path,
        timeout: float,
        start_timeout: float = 120.0,
        answer_cache_mb: int = 0,
    ) -> None:
        self.command = [
            sys.executable, "-m", "hpassist.model_worker",
            "--model", model_path, "--n-ctx", str(n_ctx), "--threads", str(n_threads),
            "--answer-cache-mb", str(answer_cache_mb),
        ]  # fmt: skip
        self.log_path = log_path
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.info: dict[str, Any] = {}
        self.restarts = 0
        self._process: subprocess.Popen | None = None
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._lock = threading.Lock()  # one request at a time
        self._start_lock = threading.Lock()
        self._deaths: deque[float] = deque(maxlen=_RESTARTS_MAX)
        self._next_id = 0

    # ----- lifecycle --------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process and process.poll() is None else None

    def start(self) -> None:
        """Start the worker unless it runs; raises GenerationError when it cannot be started."""
        with self._start_lock:
            if self._process and self._process.poll() is None:
                return
            if len(self._deaths) == _RESTARTS_MAX and time.monotonic() - self._deaths[0] < _RESTARTS_WINDOW_S:
                if time.monotonic() - self._deaths[-1] < _COOL_DOWN_S:
                    raise GenerationError(
                        f"the model process keeps crashing ({_RESTARTS_MAX} times in "
                        f"{_RESTARTS_WINDOW_S:g} s); see {self.log_path}"
                    )
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with self.log_path.open("ab") as err:
                err.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting {' '.join(self.command)}\n".encode())
                err.flush()
                env = {**os.environ, "PYTHONUNBUFFERED": "1"}
                process = subprocess.Popen(
                    self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, env=env,
                    start_new_session=True,  # a Ctrl+C in the terminal reaches the parent, which stops it
                )  # fmt: skip
            replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
            threading.Thread(target=_read_replies, args=(process.stdout, replies), daemon=True).start()
            try:
                ready = replies.get(timeout=self.start_timeout)
            except queue.Empty:
                ready = None
                _stop(process)
            if not ready or not ready.get("ready"):
                process.wait()
                self._deaths.append(time.monotonic())
                reason = (ready or {}).get("error") or describe_exit(process.returncode)
                raise GenerationError(f"the model process did not start ({reason}); see {self.log_path}")
            self._process, self._replies, self.info = process, replies, ready
            log.info("model process %s ready in %.1f s (%s)", process.pid, ready.get("load_s", 0), ready.get("system_info"))

    def close(self) -> None:
        with self._start_lock:
            if self._process:
                _stop(self._process)
                self._process = None

    def _died(self, process: subprocess.Popen, during: str) -> GenerationError:
        """Log the death, start a replacement in the background, and return the error for the caller."""
        code = process.wait()
        self._deaths.append(time.monotonic())
        self.restarts += 1
        what = describe_exit(code)
        log.error("model process %s died (%s) during %s; restarting it. Its log: %s", process.pid, what, during, self.log_path)
        threading.Thread(target=self._restart_quietly, daemon=True).start()
        return GenerationError(f"the model process stopped ({what}) and is restarting")

    def _restart_quietly(self) -> None:
        try:
            self.start()
        except GenerationError as exc:
            log.error("%s", exc)

    # ----- requests ---------------------------------------------------------------------------
    def request(self, op: str, **payload: Any) -> Iterator[dict[str, Any]]:
        """Send one request and yield its replies; a chat ends with the reply holding "done"."""
        with self._lock:
            self.start()
            process, replies = self._process, self._replies
            assert process is not None and process.stdin is not None
            self._next_id += 1
            request_id = self._next_id
            try:
                process.stdin.write((json.dumps({"id": request_id, "op": op, **payload}) + "\n").encode("utf-8"))
                process.stdin.flush()
            except OSError:
                raise self._died(process, op) from None
            finished = False
            try:
                while not finished:
                    try:
                        reply = replies.get(timeout=self.timeout)
                    except queue.Empty:
                        log.error("model process %s gave no reply for %g s; stopping it", process.pid, self.timeout)
                        _stop(process)
                        self._died(process, op)
                        raise GenerationError(f"the model gave no reply for {self.timeout:g} s (HPASSIST_LLM_TIMEOUT)") from None
                    if reply is None:
                        raise self._died(process, op)
                    if reply.get("id") != request_id:
                        continue  # the tail of an earlier request its caller stopped reading
                    if "error" in reply:
                        raise GenerationError(f"the model failed: {reply['error']}")
                    finished = op != "chat" or bool(reply.get("done"))
                    yield reply
            finally:
                if not finished and process.poll() is None:
                    self._drain(replies, request_id)

    def _drain(self, replies: queue.Queue, request_id: int) -> None:
        """Read an abandoned request's replies to its end, so the next request starts clean."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                reply = replies.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return
            if reply is None or (reply.get("id") == request_id and (reply.get("done") or "error" in reply)):
                return

    def call(self, op: str, **payload: Any) -> dict[str, Any]:
        """A request with a single reply (tokenize, info)."""
        return next(iter(self.request(op, **payload)))


def _read_replies(stream: IO[bytes], replies: queue.Queue) -> None:
    """Reader thread: each JSON line of the worker's stdout into the queue; None once it closes."""
    for line in stream:
        try:
            replies.put(json.loads(line))
        except ValueError:
            log.warning("model process wrote a line that is not JSON: %r", line[:200])
    replies.put(None)


def _stop(process: subprocess.Popen) -> None:
    """Close stdin (the worker exits), then terminate or kill it if it lingers."""
    try:
        if process.stdin:
            process.stdin.close()
    except OSError:
        pass
    for action, wait in ((None, 3.0), (process.terminate, 3.0), (process.kill, 10.0)):
        if action:
            action()
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
