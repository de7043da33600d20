"""Helpers the tests share to start servers on this machine: a free loopback port, the web chat."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(assistant: Any, **override: Any) -> tuple[Any, str]:
    """Start the web chat for an assistant on a free loopback port, with its own launch settings (plus
    `override`); the app (close it when done) and its URL."""
    from hpassist.ui import build_app, launch_options

    app = build_app(assistant)
    options = launch_options(assistant.settings) | {"server_port": free_port(), "prevent_thread_lock": True, "quiet": True}
    _, url, _ = app.launch(**options | override)
    return app, url


@contextmanager
def serving(assistant: Any, **override: Any) -> Iterator[str]:
    """The web chat for an assistant (as `launch`) while the block runs: its URL; closed afterwards."""
    app, url = launch(assistant, **override)
    try:
        yield url
    finally:
        app.close()
