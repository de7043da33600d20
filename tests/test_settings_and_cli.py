"""Settings come from one object with HPASSIST_* overrides; the CLI prints answers with sources."""

import json
import shutil
import subprocess
import sys

import pytest

from hpassist import cli
from hpassist.settings import REPO_ROOT, Settings

SEEDS = REPO_ROOT / "seeds"


def test_env_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("HPASSIST_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HPASSIST_TOP_CHUNKS", "5")
    monkeypatch.setenv("HPASSIST_LLM", "openai")
    s = Settings()
    assert s.data_dir == tmp_path and s.top_chunks == 5 and s.llm == "openai"
    assert s.index_dir == tmp_path / "index"


def test_secrets_are_not_in_repr(monkeypatch):
    monkeypatch.setenv("HPASSIST_OPENAI_API_KEY", "sk-secret-123")
    assert "sk-secret-123" not in repr(Settings())


@pytest.mark.integration
def test_cli_index_then_ask(tmp_path):
    """Index a folder, index it again (nothing to do), ask; two seed articles keep the embedding short."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(seed, corpus)
    env = {"HPASSIST_DATA_DIR": str(tmp_path), "HPASSIST_CORPUS_DIRS": json.dumps([str(corpus)]), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    index = subprocess.run([sys.executable, "-m", "hpassist.cli", "index"], capture_output=True, text=True, env=env, timeout=600)
    assert index.returncode == 0, index.stderr
    assert "2 added" in index.stdout
    again = subprocess.run([sys.executable, "-m", "hpassist.cli", "index"], capture_output=True, text=True, env=env, timeout=600)
    assert "2 unchanged" in again.stdout and "(0 sentences embedded)" in again.stdout
    ask = subprocess.run(
        [sys.executable, "-m", "hpassist.cli", "ask", "What is the corporate income tax rate in Hai Phong?"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert ask.returncode == 0, ask.stderr
    assert "could not find" in ask.stdout
    assert "DEBUG" not in ask.stderr  # no library's debug chatter without -v


def test_cli_reports_errors_without_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HPASSIST_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HPASSIST_CHROMA_URL", "not a url")
    assert cli.main(["ask", "hello there"]) == 1
    err = capsys.readouterr().err
    assert "HPASSIST_CHROMA_URL" in err and "Traceback" not in err
