"""An installed copy (`pip install .`, not editable) carries what the program reads: prompts and domain data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hpassist import settings

pytestmark = pytest.mark.integration  # builds and installs the real wheel

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_carries_every_prompt_and_data_file(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", str(ROOT), "-w", str(tmp_path)],
        check=True, capture_output=True, timeout=600,
    )
    (wheel,) = tmp_path.glob("hpassist-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    prompts = {f"hpassist/prompt_files/{p.relative_to(ROOT / 'prompts').as_posix()}" for p in (ROOT / "prompts").rglob("*.txt")}
    data = {f"hpassist/data/{p.name}" for p in (ROOT / "src/hpassist/data").iterdir() if p.suffix in {".tsv", ".txt"}}
    assert prompts and prompts <= inside
    assert data <= inside


def test_outside_a_checkout_the_prompts_come_from_the_package(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(settings, "REPO_ROOT", tmp_path)  # no prompts/ there
    assert settings.Settings().prompts_dir == settings.PACKAGE_ROOT / "prompt_files"
    monkeypatch.setattr(settings, "REPO_ROOT", ROOT)
    assert settings.Settings().prompts_dir == ROOT / "prompts"
