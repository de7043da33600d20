"""Issue 13: the same thresholds on a second development corpus nobody tuned for (24 Bắc Ninh documents
in evals/corpora/bacninh, cases in evals/facts_bacninh.yaml), reported on its own in evals/bacninh/."""

from __future__ import annotations

import pytest

from hpassist.evaluation import THRESHOLDS, EvalReport, meets


@pytest.mark.parametrize("metric", sorted(THRESHOLDS))
def test_bacninh_threshold(bacninh_report: EvalReport, metric: str) -> None:
    op, bound = THRESHOLDS[metric]
    value = getattr(bacninh_report, metric)
    failing = [r.id for r in bacninh_report.cases if not r.passed]
    assert meets(value, op, bound), f"{metric} = {value} (needs {op} {bound}); failing cases: {failing}"
