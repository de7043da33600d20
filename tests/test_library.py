"""Documents added and removed from the web chat: managed folder, per-file report, limits, atomicity."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from hpassist.documents import load_paths
from hpassist.index import Index, IndexUnavailable
from hpassist.library import Library, LibraryError, stored_name
from hpassist.settings import Settings

from conftest import SEEDS

pytestmark = pytest.mark.integration  # uploads embedded into a real index

ARTICLE = """# Bac Ninh draws new electronics investment
date: 2025-03-14

Bac Ninh province approved twelve new foreign-invested projects in the first two months of 2025.
The projects are mostly electronics suppliers that will serve the province's largest assembly plants.
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus folder with one seed article (the 'corpus folder' documents uploads must not shadow)."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], folder)
    return folder


@pytest.fixture
def library(tmp_path: Path, corpus: Path, embedder) -> Library:
    settings = Settings(data_dir=tmp_path / "data", corpus_dirs=[corpus], max_upload_bytes=4_000, max_upload_files=7)
    index = Index(settings, embedder)
    index.sync([r.document for r in load_paths([corpus], settings.max_file_bytes)])
    return Library(settings, index)


@pytest.fixture(scope="module")
def embedder():
    from hpassist.embeddings import E5Embeddings

    return E5Embeddings()


def _file(folder: Path, name: str, content: str | bytes) -> tuple[str, Path]:
    path = folder / "incoming" / name.replace("/", "_")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return name, path


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("báo cáo 2024.pdf", "báo cáo 2024.pdf"),
        ("a<b>|c.txt", "a_b__c.txt"),
        ("x" * 200 + ".md", "x" * 147 + ".md"),
    ],
)
def test_stored_names_are_plain_file_names(name: str, stored: str) -> None:
    assert stored_name(name) == stored


@pytest.mark.parametrize("name", ["../../x.txt", "a/b.txt", "..\\x.txt", ".env", "", ".."])
def test_names_with_folders_or_hidden_names_are_refused(name: str) -> None:
    with pytest.raises(LibraryError):
        stored_name(name)


def test_one_upload_reports_every_file_and_keeps_only_the_good_ones(library: Library, tmp_path: Path) -> None:
    seed_name = next(iter(library.index.manifest()["sources"]))
    before = dict(library.index.manifest()["sources"])
    uploads = [
        _file(tmp_path, "bac-ninh.md", ARTICLE),
        _file(tmp_path, "fake.pdf", "this is not a PDF at all"),
        _file(tmp_path, "tool.exe", b"MZ\x00\x00"),
        _file(tmp_path, "empty.txt", ""),
        _file(tmp_path, "big.txt", "word " * 2_000),
        _file(tmp_path, seed_name, ARTICLE),
        _file(tmp_path, "../../escape.txt", ARTICLE),
    ]
    results = library.add(uploads)
    outcome = {r.name: (r.status, r.details) for r in results}
    assert outcome["bac-ninh.md"][0] == "added" and "2025-03-14" in outcome["bac-ninh.md"][1]
    assert outcome["fake.pdf"][0] == "skipped" and "unreadable" in outcome["fake.pdf"][1]
    assert outcome["tool.exe"] == ("skipped", "unsupported type .exe")
    assert outcome["empty.txt"] == ("skipped", "empty")
    assert outcome["big.txt"][0] == "skipped" and "too large" in outcome["big.txt"][1]
    assert outcome[seed_name][0] == "skipped" and "corpus folder" in outcome[seed_name][1]
    assert outcome["../../escape.txt"][0] == "skipped" and "folders" in outcome["../../escape.txt"][1]
    assert sorted(p.name for p in library.folder.iterdir()) == ["bac-ninh.md"]  # no leftovers, nothing else
    assert not (tmp_path / "escape.txt").exists() and not (library.folder.parent.parent / "escape.txt").exists()
    sources = library.index.manifest()["sources"]
    assert sources.keys() == before.keys() | {"bac-ninh.md"} and all(sources[s] == before[s] for s in before)
    entry = next(e for e in library.entries() if e.source == "bac-ninh.md")
    assert entry.uploaded and entry.passages >= 1 and entry.date == "2025-03-14" and entry.indexed_at
    assert not next(e for e in library.entries() if e.source == seed_name).uploaded


def test_limits_on_count_and_duplicate_names(library: Library, tmp_path: Path) -> None:
    uploads = [_file(tmp_path, f"n{i}.md", ARTICLE.replace("twelve", str(i))) for i in range(8)]
    results = library.add(uploads)
    assert [r.status for r in results] == ["added"] * 7 + ["skipped"] and "more than 7 files" in results[7].details
    twice = library.add([_file(tmp_path, "d.md", ARTICLE), _file(tmp_path, "d.md", ARTICLE)])
    assert [r.status for r in twice] == ["added", "skipped"] and "same name" in twice[1].details


def test_a_new_version_updates_and_the_same_file_is_unchanged(library: Library, tmp_path: Path) -> None:
    assert library.add([_file(tmp_path, "a.md", ARTICLE)])[0].status == "added"
    assert library.add([_file(tmp_path, "a.md", ARTICLE)])[0].status == "unchanged"
    assert library.add([_file(tmp_path, "a.md", ARTICLE.replace("twelve", "fifteen"))])[0].status == "updated"
    text = library.index.document_texts()["a.md"]
    assert "fifteen" in text and "twelve" not in text


def test_a_failing_index_keeps_the_previous_version(library: Library, tmp_path: Path, monkeypatch) -> None:
    library.add([_file(tmp_path, "a.md", ARTICLE)])
    kept = (library.folder / "a.md").read_bytes()

    def broken(*args, **kwargs):
        raise IndexUnavailable("disk is full")

    monkeypatch.setattr(library.index, "sync", broken)
    result = library.add([_file(tmp_path, "a.md", ARTICLE.replace("twelve", "fifteen"))])[0]
    assert result.status == "skipped" and "disk is full" in result.details
    assert (library.folder / "a.md").read_bytes() == kept
    assert sorted(p.name for p in library.folder.iterdir()) == ["a.md"]
    assert "twelve" in library.index.document_texts()["a.md"]


def test_remove_takes_an_upload_out_of_the_index_and_the_folder(library: Library, tmp_path: Path) -> None:
    library.add([_file(tmp_path, "a.md", ARTICLE)])
    library.remove("a.md")
    assert "a.md" not in library.index.manifest()["sources"] and not any(library.folder.iterdir())
    assert all(c.source != "a.md" for c in library.index.chunks())


def test_corpus_documents_and_unknown_names_cannot_be_removed_here(library: Library) -> None:
    seed_name = next(iter(library.index.manifest()["sources"]))
    for name in (seed_name, "nothing.md", "../index"):
        with pytest.raises(LibraryError):
            library.remove(name)
    assert seed_name in library.index.manifest()["sources"]


def test_a_failed_removal_keeps_the_document(library: Library, tmp_path: Path, monkeypatch) -> None:
    library.add([_file(tmp_path, "a.md", ARTICLE)])

    def broken(*args, **kwargs):
        raise IndexUnavailable("the server went away")

    monkeypatch.setattr(library.index, "remove", broken)
    with pytest.raises(LibraryError, match="server went away"):
        library.remove("a.md")
    assert (library.folder / "a.md").is_file() and "a.md" in library.index.manifest()["sources"]


def test_two_uploads_at_once_are_serialised(library: Library, tmp_path: Path) -> None:
    results: list = []
    files = [_file(tmp_path, f"t{i}.md", ARTICLE.replace("twelve", f"{i} hundred")) for i in range(2)]
    threads = [threading.Thread(target=lambda f=f: results.extend(library.add([f]))) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status for r in results) == ["added", "added"]
    assert {"t0.md", "t1.md"} <= library.index.manifest()["sources"].keys()


def test_uploads_survive_a_restart_and_a_cli_reindex(library: Library, tmp_path: Path, monkeypatch) -> None:
    from hpassist.cli import main

    library.add([_file(tmp_path, "a.md", ARTICLE)])
    assert library.folder in library.settings.document_paths
    assert "a.md" in Index(library.settings, library.index.embedder).manifest()["sources"]
    monkeypatch.setenv("HPASSIST_DATA_DIR", str(library.settings.data_dir))
    monkeypatch.setenv("HPASSIST_CORPUS_DIRS", f'["{library.settings.corpus_dirs[0]}"]')
    assert main(["index"]) == 0  # prunes to the corpus folders and the uploads folder: keeps the upload
    assert "a.md" in Index(library.settings, library.index.embedder).manifest()["sources"]


@pytest.mark.parametrize(
    ("documents", "host", "auth", "share", "manages"),
    [
        ("auto", "127.0.0.1", None, False, True),
        ("auto", "0.0.0.0", None, False, False),
        ("auto", "0.0.0.0", "staff:secret", False, True),
        ("auto", "127.0.0.1", None, True, False),
        ("list", "127.0.0.1", "staff:secret", False, False),
        ("manage", "0.0.0.0", None, False, True),
    ],
)
def test_who_may_manage_documents(documents, host, auth, share, manages) -> None:
    assert Settings(documents=documents, host=host, auth=auth, share=share).manages_documents is manages
