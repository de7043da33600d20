"""The changing-figure chart: one linked point per source at its date, the newest marked, text escaped."""

import re

from hpassist.prompts import messages
from hpassist.schema import Trend, TrendPoint
from hpassist.settings import Settings
from hpassist.ui_charts import trend_html

TREND = Trend(
    "usd",
    (
        TrendPoint("2026", 15.4e9, "154억 달러 이상", 1),
        TrendPoint("2023-08", 10e9, "100억 달러", 3),
        TrendPoint("2025-05-20", 14.2e9, "142억 달러", 2),
    ),
)


def _words(language: str) -> dict[str, str]:
    return messages(Settings().prompts_dir, language)


def test_each_point_links_to_its_source_card_and_sits_at_its_date():
    svg = trend_html(TREND, 4, _words("ko"))
    links = re.findall(r'href="#hp-src-4-(\d+)"', svg)
    assert links == ["3", "2", "1"]  # drawn in time order: 2023-08, 2025-05-20, 2026
    xs = [float(x) for x in re.findall(r'<circle class="hp-point[^"]*" cx="([\d.]+)"', svg)]
    assert xs == sorted(xs) and len(set(xs)) == 3
    # 2025-05-20 sits much nearer to 2026 than to 2023-08
    assert (xs[2] - xs[1]) < (xs[1] - xs[0])
    assert svg.count("hp-point hp-newest") == 1 and 'data-points="3"' in svg


def test_labels_are_in_the_reader_language_and_escaped():
    ko = trend_html(TREND, 1, _words("ko"))
    assert "시점별 수치 변화: 금액 (달러)" in ko and "최신" in ko
    en = trend_html(Trend("usd", (TrendPoint("2026", 2.0, "<b>US$2</b>", 1), TrendPoint("2025", 1.0, "US$1", 2))), 1, _words("en"))
    assert "<b>" not in en and "&lt;b&gt;US&#36;2&lt;/b&gt;" in en
    assert "How the figure changed: amount (US&#36;)" in en


def test_points_of_one_date_are_spread_not_stacked():
    same = Trend("projects", (TrendPoint("2025", 3, "3 projects", 1), TrendPoint("2025", 2, "2 projects", 2)))
    xs = re.findall(r'<circle class="hp-point[^"]*" cx="([\d.]+)"', trend_html(same, 1, _words("en")))
    assert len(set(xs)) == 2
