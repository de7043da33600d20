"""Figures that change over time: find each source's report of the asked quantity, newest first.

Korean investment in Hải Phòng, for instance, is reported as US$10 bn (2023), 11.5 bn (2024),
14.2 bn (2025) and 15.4 bn (2026): the answer leads with the newest and names the older ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .evidence import coverage
from .query import Query
from .schema import Evidence

# A figure with the unit that says what it measures, written as in the sources.
_MEASURES = re.compile(
    r"(?:US\$\s?\d[\d.,]*\s*(?:billion|bn|million)"
    r"|\d[\d.,]*\s*(?:tỷ|triệu)\s*(?:USD|đô la)"
    r"|\d[\d.,]*\s*(?:billion|million)\s*(?:USD|US dollars|dollars)"
    r"|\d[\d.,]*\s*(?:dự án|projects))",
    re.IGNORECASE,
)
# A clause about the whole country's total, not the city's.
_NATIONAL = re.compile(r"(tại Việt Nam|in Vietnam|cả nước|nationwide|toàn quốc)", re.IGNORECASE)


@dataclass(frozen=True)
class Report:
    """One source's statement of the asked quantity."""

    evidence: Evidence
    figures: tuple[str, ...]  # exactly as written, e.g. ("320 dự án", "15,4 tỷ USD")

    @property
    def date(self) -> str | None:
        return self.evidence.sentence.date


def local_figures(sentence: str) -> tuple[str, ...]:
    """Measured figures of a sentence, leaving out those in a clause about the national total."""
    without_asides = re.sub(r"\([^)]*\)", lambda m: " " * len(m.group(0)), sentence)
    out = []
    for clause in re.finditer(r"(?:[^,;]|,(?=\d))+", without_asides):
        if _NATIONAL.search(clause.group(0)):
            continue
        out.extend(m.group(0).strip() for m in _MEASURES.finditer(clause.group(0)))
    return tuple(out)


def _date_key(date: str | None) -> tuple[int, ...]:
    return tuple(int(p) for p in date.split("-")) if date else (0,)


def reports(query: Query, ranked: list[Evidence], min_similarity: float) -> list[Report]:
    """One report per source of the quantity asked about, newest first (only for quantity questions)."""
    if not query.asks_quantity:
        return []
    by_source: dict[str, Report] = {}
    for ev in ranked:
        if ev.similarity < min_similarity or ev.sentence.source in by_source:
            continue
        cov = coverage(query, ev.sentence.text)
        figures = local_figures(ev.sentence.text)
        if figures and cov.needed and cov.found == cov.needed:
            by_source[ev.sentence.source] = Report(ev, figures)
    return sorted(by_source.values(), key=lambda r: _date_key(r.date), reverse=True)
