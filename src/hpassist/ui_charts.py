"""Changing figures as small line charts in the sources panel: inline SVG drawn by the page itself (no script,
no outside request), one point per source at its date, each point a link to that source's card."""

from __future__ import annotations

from datetime import date as Date

from .schema import Trend
from .ui_html import escape as _text

_WIDTH, _HEIGHT = 380, 200
_LEFT, _RIGHT, _TOP, _BOTTOM = 30, 30, 30, 34  # room for the value labels above and the dates below
_HEADROOM = 1.15  # the highest point stays below the top edge


def trend_html(trend: Trend, turn: int, words: dict[str, str]) -> str:
    """A <figure> charting one measure: points at their sources' dates (the newest filled and named), a
    line through them in time order, the values as the answer states them; heading and hint in `words`'s
    language; point n links to the card #hp-src-{turn}-{n}."""
    points = sorted(trend.points, key=lambda p: _year_fraction(p.date))
    newest = trend.points[0]
    times = [_year_fraction(p.date) for p in points]
    span = (max(times) - min(times)) or 1.0
    top = max(p.value for p in points) * _HEADROOM or 1.0
    width, height = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM
    spread = len(set(times)) == 1  # one date for all: spread them evenly instead of stacking them
    xy = [
        (
            _LEFT + (width * i / max(len(points) - 1, 1) if spread else width * (t - min(times)) / span),
            _TOP + height * (1 - p.value / top),
        )
        for i, (p, t) in enumerate(zip(points, times))
    ]
    base = _TOP + height
    parts = [
        f'<line class="hp-axis" x1="{_LEFT - 10}" y1="{base:.1f}" x2="{_WIDTH - _RIGHT + 10}" y2="{base:.1f}"/>',
        '<polyline class="hp-trend-line" points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in xy) + '"/>',
    ]
    for i, (p, (x, y)) in enumerate(zip(points, xy)):
        latest = p is newest
        value = _text(p.label + (f" · {words['chart_newest']}" if latest else ""))
        tip = _text(f"{p.label} ({p.date}) [{p.citation}]")
        # Labels at the edges grow inwards, so that they stay inside the chart.
        anchor = "start" if i == 0 and len(points) > 1 else "end" if i == len(points) - 1 and len(points) > 1 else "middle"
        edge = {"start": -8, "end": 8, "middle": 0}[anchor]
        parts.append(
            f'<a class="hp-point-link" href="#hp-src-{turn}-{p.citation}" data-citation="{p.citation}">'
            f"<title>{tip}</title>"
            f'<circle class="hp-point{" hp-newest" if latest else ""}" cx="{x:.1f}" cy="{y:.1f}" r="{7 if latest else 5}"/>'
            f'<text class="hp-value{" hp-newest" if latest else ""}" x="{x + edge:.1f}" y="{y - 11:.1f}" '
            f'text-anchor="{anchor}">{value}</text>'
            f'<text class="hp-date" x="{x + edge:.1f}" y="{base + 16:.1f}" text-anchor="{anchor}">'
            f"{_text(p.date)} [{p.citation}]</text></a>"
        )
    heading = f"{words['chart_title']}: {words['measure_' + trend.measure]}"
    return (
        f'<figure class="hp-trend" data-measure="{trend.measure}" data-points="{len(points)}">'
        f"<figcaption>{_text(heading)}</figcaption>"
        f'<svg viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img" aria-label="{_text(heading)}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(parts)
        + f'</svg><p class="hp-trend-hint">{_text(words["chart_hint"])}</p></figure>'
    )


def _year_fraction(iso: str) -> float:
    """A date at any precision ("2025-05-20", "2024-06", "2026") as a year with its fraction."""
    parts = [int(p) for p in iso.split("-")]
    year, month, day = (parts + [1, 1])[:3]
    try:
        return year + (Date(year, month, day).timetuple().tm_yday - 1) / 366
    except ValueError:
        return float(year)
