"""Issue 13: the same thresholds on a second development corpus nobody tuned for (24 Bắc Ninh documents
in evals/corpora/bacninh, cases in evals/facts_bacninh.yaml), reported on its own in evals/bacninh/."""

from __future__ import annotations

import pytest

from hpassist.evaluation import THRESHOLDS, EvalReport, meets


# Measured 2026-12-03 (issue 13 still open): facts 0.447, unanswerables refused 0.706, false refusals 0.053;
# since 2026-12-07 every unanswerable is refused, so refusal_accuracy gates like citations, language and units.
# The known gaps are reported as xfail until issue 13 lands.
_OPEN = {"fact_accuracy", "false_refusal_rate"}
# Far below its threshold: strict, so a fix that meets it fails here until the mark is removed.
# false_refusal_rate is one case away (3 of 76), so it stays non-strict rather than flap.
_FAR = {"fact_accuracy"}


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
