"""Runs every known-facts case once per session against the real embedded assistant."""

from __future__ import annotations

from pathlib import Path

import pytest

from hpassist.evaluation import EvalReport, run_eval

EVALS_DIR = Path(__file__).resolve().parent
CASES_PATH = EVALS_DIR / "facts.yaml"


@pytest.fixture(scope="session")
def eval_report() -> EvalReport:
    """The report of one full run with the embedded defaults (real local model and index), cached."""
    from hpassist import Assistant

    return run_eval(Assistant(), CASES_PATH, EVALS_DIR)
