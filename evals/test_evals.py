"""Aggregate thresholds of issues 3 and 13, asserted on one run of evals/facts.yaml against the real assistant."""

from __future__ import annotations

from pathlib import Path

from hpassist.evaluation import THRESHOLDS, EvalReport, meets

EVALS_DIR = Path(__file__).resolve().parent


def _check(report: EvalReport, metric: str) -> None:
    """Assert one aggregate metric against its threshold, listing the failing cases."""
    op, bound = THRESHOLDS[metric]
    value = getattr(report, metric)
    failing = [r.id for r in report.cases if not r.passed]
    assert meets(value, op, bound), f"{metric} = {value} (needs {op} {bound}); failing cases: {failing}"


def test_fact_accuracy(eval_report: EvalReport) -> None:
    _check(eval_report, "fact_accuracy")


def test_citation_correctness(eval_report: EvalReport) -> None:
    _check(eval_report, "citation_correctness")


def test_refuses_every_unanswerable(eval_report: EvalReport) -> None:
    _check(eval_report, "refusal_accuracy")


def test_false_refusal_rate(eval_report: EvalReport) -> None:
    _check(eval_report, "false_refusal_rate")


def test_language_match(eval_report: EvalReport) -> None:
    _check(eval_report, "language_match")


def test_no_figure_in_another_unit_than_its_citation(eval_report: EvalReport) -> None:
    _check(eval_report, "unit_mismatches")


def test_report_written(eval_report: EvalReport) -> None:
    markdown = (EVALS_DIR / "report.md").read_text(encoding="utf-8")
    json_text = (EVALS_DIR / "report.json").read_text(encoding="utf-8")
    assert all(r.id in markdown and r.id in json_text for r in eval_report.cases)
