"""A re-index killed mid-way (SIGKILL) leaves the previous index fully usable, and the next run completes it."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from chromadb.api.shared_system_client import SharedSystemClient

import pytest

from hpassist import Assistant
from hpassist.chunking import chunk_document
from hpassist.documents import load_folder
from hpassist.index import Index
from hpassist.schema import Document
from hpassist.settings import REPO_ROOT, Settings

pytestmark = pytest.mark.integration  # a re-index in a real subprocess, killed

SEEDS = REPO_ROOT / "seeds"
CHANGED = "000_016a87d59e7f0adc.txt"
NEW_FACT = "The city also opened a new logistics centre for cold-chain goods in 2025."
INDEX = [sys.executable, "-m", "hpassist.cli", "index"]
BULK = 10  # new articles in the change; the run is killed after the first is embedded


def write_bulk(folder: Path, documents: int = BULK, sentences: int = 6) -> None:
    """Many distinct small articles, so that embedding them takes a while."""
    folder.mkdir(exist_ok=True)
    for i in range(documents):
        lines = [f"Industrial zone report number {i} for Hai Phong"] + [
            f"Zone {i} signed lease {j} with a foreign investor for {i * 17 + j * 3 + 5} hectares of land in 2024."
            for j in range(sentences)
        ]
        (folder / f"bulk_{i:03d}.txt").write_text("\n".join(lines), encoding="utf-8")


def kill_when_embedding(process: subprocess.Popen) -> tuple[int, int]:
    """SIGKILL the process once its progress bar shows some, but not all, sentences embedded."""
    assert process.stderr is not None
    seen = b""
    while process.poll() is None:
        seen += os.read(process.stderr.fileno(), 4096)
        progress = [(int(a), int(b)) for a, b in re.findall(rb"(\d+)/(\d+) \[", seen) if 0 < int(a) < int(b)]
        if progress:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return progress[-1]
    raise AssertionError(f"the run ended (exit {process.returncode}) before it could be killed:\n{seen.decode()[-2000:]}")


def sentences_by_source(index: Index) -> dict[str, int]:
    """How many sentence records each committed document has in the index."""
    counts: dict[str, int] = {}
    for chunk in index.chunks():
        counts[chunk.source] = counts.get(chunk.source, 0) + len(chunk.sentences)
    return counts


def expected_sentences(documents: dict[str, Document]) -> dict[str, int]:
    return {s: sum(len(c.sentences) for c in chunk_document(d, 200)) for s, d in documents.items()}


def fresh_index(settings: Settings) -> Index:
    """An Index that sees what other processes wrote (Chroma shares one client per path within a process)."""
    SharedSystemClient.clear_system_cache()
    return Index(settings)


def test_killed_reindex_keeps_the_old_index_and_the_next_run_completes(tmp_path: Path):
    corpus, bulk = tmp_path / "corpus", tmp_path / "bulk"
    shutil.copytree(SEEDS, corpus)
    bulk.mkdir()
    settings = Settings(data_dir=tmp_path / "data", corpus_dirs=[bulk, corpus])
    env = {**os.environ, "HPASSIST_DATA_DIR": str(settings.data_dir), "HPASSIST_CORPUS_DIRS": json.dumps([str(bulk), str(corpus)])}
    Assistant(settings)  # the first index is built here (the session's e5 vectors); the runs below are real CLI processes
    old = {d.source: d for d in load_folder(corpus)}
    index = fresh_index(settings)
    assert index.manifest()["sources"] == {s: index.stamp(d) for s, d in old.items()}

    # a larger change: BULK new articles (embedded first) and an edited seed (embedded last)
    write_bulk(bulk)
    changed = corpus / CHANGED
    changed.write_text(changed.read_text(encoding="utf-8") + "\n" + NEW_FACT, encoding="utf-8")
    process = subprocess.Popen(INDEX, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    done, total = kill_when_embedding(process)
    assert process.returncode == -signal.SIGKILL and 0 < done < total

    # the old index is whole: every committed document has all its records, the edited seed its old version
    index = fresh_index(settings)
    committed = index.manifest()["sources"]
    assert committed[CHANGED] == index.stamp(old[CHANGED])
    assert {s: committed.get(s) for s in old} == {s: index.stamp(d) for s, d in old.items()}
    assert len(committed) < len(old) + BULK  # it really was interrupted
    now = {d.source: d for d in load_folder(bulk)} | old
    assert sentences_by_source(index) == expected_sentences({s: now[s] for s in committed})
    assistant = Assistant(settings, sync=False)
    assert "001_20d133c255b65173.txt" in [c.chunk.source for c in assistant.retrieve("How much has Korea invested in Hai Phong?", k=8)]
    assert all("cold-chain goods" not in c.text for c in index.chunks())

    # the next run finishes the work and removes what the killed run left behind
    finished = subprocess.run(INDEX, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert finished.returncode == 0, finished.stderr
    final = {d.source: d for d in load_folder(bulk) + load_folder(corpus)}
    index = fresh_index(settings)
    assert index.manifest()["sources"] == {s: index.stamp(d) for s, d in final.items()}
    assert sentences_by_source(index) == expected_sentences(final)
    assert index.collection.count() == sum(expected_sentences(final).values())
    assert any(NEW_FACT in c.text for c in index.chunks() if c.source == CHANGED)
