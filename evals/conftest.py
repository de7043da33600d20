"""Runs the evaluation sets once per session against the real embedded assistant (local model, Chroma on
disk), each corpus indexed into a fresh data directory of its own (never the user's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hpassist.evaluation import ConversationReport, EvalReport, run_conversations, run_eval

EVALS_DIR = Path(__file__).resolve().parent
CASES_PATH = EVALS_DIR / "facts.yaml"
DIALOGUES_PATH = EVALS_DIR / "conversations.yaml"
SEEDS = EVALS_DIR.parent / "seeds"
# A second development corpus about another province (issue 13), reported on its own.
BACNINH = EVALS_DIR / "corpora" / "bacninh"
BACNINH_CASES = EVALS_DIR / "facts_bacninh.yaml"


def _assistant(tmp_path_factory: pytest.TempPathFactory, corpus: Path):
    from hpassist import Assistant, Settings

    return Assistant(Settings(data_dir=tmp_path_factory.mktemp(f"eval-{corpus.name}"), corpus_dirs=[corpus]))


@pytest.fixture(scope="session")
def seed_assistant(tmp_path_factory: pytest.TempPathFactory):
    return _assistant(tmp_path_factory, SEEDS)


@pytest.fixture(scope="session")
def eval_report(seed_assistant) -> EvalReport:
    """The report of one full run of evals/facts.yaml on the seeds, cached."""
    return run_eval(seed_assistant, CASES_PATH, EVALS_DIR)


@pytest.fixture(scope="session")
def conversation_report(seed_assistant) -> ConversationReport:
    """Every dialogue of evals/conversations.yaml, turn by turn, on the seeds."""
    return run_conversations(seed_assistant, DIALOGUES_PATH, EVALS_DIR)


@pytest.fixture(scope="session")
def bacninh_report(tmp_path_factory: pytest.TempPathFactory) -> EvalReport:
    """evals/facts_bacninh.yaml on the Bắc Ninh corpus alone; reports in evals/bacninh/."""
    return run_eval(_assistant(tmp_path_factory, BACNINH), BACNINH_CASES, EVALS_DIR / "bacninh")
