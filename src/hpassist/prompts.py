"""Prompt templates and user-facing phrases, read from the prompts/ folder (one file per prompt)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=32)
def template(folder: Path, name: str) -> str:
    """The text of prompts/<name>.txt."""
    return (folder / f"{name}.txt").read_text(encoding="utf-8").strip()


@lru_cache(maxsize=8)
def messages(folder: Path, language: str) -> dict[str, str]:
    """User-facing phrases for a language (English when the language has no file)."""
    path = folder / "messages" / f"{language}.txt"
    if not path.exists():
        path = folder / "messages" / "en.txt"
    pairs = (line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs}
