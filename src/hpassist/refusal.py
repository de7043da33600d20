"""The refusal gate: the program, not the model, decides whether the evidence can answer the question.

A sentence supports an answer when it is close to the question (dense similarity), contains every
topical concept and key word of the question (one may be missing in long questions), and, for
"how much / how many" questions, states a figure. No supporting sentence, no answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .evidence import coverage
from .query import Query
from .schema import Evidence
from .settings import Settings

_FIGURE = re.compile(r"\d")


@dataclass
class GateDecision:
    answerable: bool
    support: list[Evidence] = field(default_factory=list)  # supporting sentences, best first
    reason: str = ""


class RefusalGate:
    """Decides answer or refuse from the ranked evidence."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def supports(self, query: Query, ev: Evidence) -> bool:
        """Whether one evidence sentence can carry an answer to `query`."""
        cov = coverage(query, ev.sentence.text, topical_only=True)
        if query.asks_quantity and not _FIGURE.search(ev.sentence.text):
            return False
        if cov.needed == 0:
            return ev.similarity >= self.settings.min_similarity_unchecked
        allowed_missing = 1 if cov.needed >= 3 else 0
        return cov.found >= cov.needed - allowed_missing and ev.similarity >= self.settings.min_similarity

    def decide(self, query: Query, ranked: list[Evidence]) -> GateDecision:
        support = [ev for ev in ranked if self.supports(query, ev)]
        if support:
            return GateDecision(True, support, f"{len(support)} supporting sentence(s)")
        best = ranked[0].similarity if ranked else 0.0
        return GateDecision(False, [], f"no sentence covers the question (best similarity {best:.2f})")
