"""Issue 13: the same thresholds on a second development corpus nobody tuned for (24 Bắc Ninh documents
in evals/corpora/bacninh, cases in evals/facts_bacninh.yaml), reported on its own in evals/bacninh/."""

from __future__ import annotations

import pytest

from hpassist.evaluation import THRESHOLDS, EvalReport, meets


# Measured 2026-12-03 (issue 13 still open): facts 0.447, unanswerables refused 0.706, false refusals 0.053.
# These are known gaps, reported as xfail until issue 13 lands; citations, language and units gate.
_OPEN = {"fact_accuracy", "refusal_accuracy", "false_refusal_rate"}
# Far below their thresholds: strict, so a fix that meets one fails here until the mark is removed.
# false_refusal_rate is one case away (4 of 76), so it stays non-strict rather than flap; refusal_accuracy
# (12 of 17) is far enough to stay strict.
_FAR = {"fact_accuracy", "refusal_accuracy"}


@pytest.mark.parametrize(
    "metric",
    [pytest.param(m, marks=pytest.mark.xfail(strict=m in _FAR, reason="issue 13 open: below threshold")) if m in _OPEN else m
     for m in sorted(THRESHOLDS)],
)
def test_bacninh_threshold(bacninh_report: EvalReport, metric: str) -> None:
    op, bound = THRESHOLDS[metric]
    value = getattr(bacninh_report, metric)
    failing = [r.id for r in bacninh_report.cases if not r.passed]
    assert meets(value, op, bound), f"{metric} = {value} (needs {op} {bound}); failing cases: {failing}"
