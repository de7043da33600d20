"""The period a figure is reported for: its year, the span of months it covers, and whether it is a
running total ("cumulative", "còn hiệu lực", "누적") rather than the flow of one period.

"FDI in the first two months of 2022" is a different measure from "cumulative FDI as of end-March 2023"
and from "FDI in 2024 as a whole", though all three are US dollars of the same province. A question that
names a period is answered from sentences of that period; the calendar words live in data/periods.tsv.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from .domain import lines
from .text import years

T = TypeVar("T")


@dataclass(frozen=True)
class Period:
    """What a text says about the time its figure covers; None where it says nothing."""

    years: tuple[str, ...] = ()
    months: int | None = None  # span from January ("first 8 months" = 8, Q1 = 3, a whole year = 12)
    stock: bool = False  # a running total, not the flow of one period
    target: bool = False  # a goal or plan ("aims to", "mục tiêu", "목표"), not what has happened


@dataclass(frozen=True)
class _Rules:
    spans: tuple[tuple[str, str, re.Pattern[str]], ...]  # (kind, value, pattern): "span"/"asof", "6"/"n"/"month"
    stock: re.Pattern[str]
    flow: re.Pattern[str]
    target: re.Pattern[str]
    now: re.Pattern[str]  # "this year", "올해": the year of writing
    compared: re.Pattern[str]  # a year a figure is compared with, with the words before it
    numbers: dict[str, int]
    months: dict[str, int]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    spans, stock, flow, target, now, compare, after, numbers, months = [], [], [], [], [], [], [], {}, {}
    for line in lines("periods.tsv"):
        kind, value, pattern = line.split("\t")
        if kind in ("span", "asof"):
            spans.append((kind, value, re.compile(_whole(pattern), re.IGNORECASE)))
        elif kind in ("stock", "flow", "target", "now", "compare", "compare_after"):
            {"stock": stock, "flow": flow, "target": target, "now": now, "compare": compare, "compare_after": after}[kind].append(pattern)
        else:
            table = numbers if kind == "number" else months
            table.update((word, int(value)) for word in pattern.split("|"))
    joined = lambda patterns: re.compile("|".join(map(_whole, patterns)), re.IGNORECASE)  # noqa: E731
    compared = re.compile(
        rf"(?<!\w)(?:{'|'.join(compare)})\s*(?:19|20)\d\d(?!\d)|(?<!\d)(?:19|20)\d\d(?:{'|'.join(after)})", re.IGNORECASE
    )
    return _Rules(tuple(spans), joined(stock), joined(flow), joined(target), joined(now), compared, numbers, months)


def _whole(pattern: str) -> str:
    """Whole words; Korean endings attach to the word ("8월 말까지", "누적된"), so a Korean one may run on."""
    end = "" if re.search(r"[\uac00-\ud7a3]", pattern) else r"(?!\w)"
    return rf"(?<!\w)(?:{pattern}){end}"


def _number(word: str, table: dict[str, int]) -> int | None:
    word = word.strip().lower()
    if word.isdigit():
        return int(word) if 1 <= int(word) <= 12 else None
    return table.get(word)


def period_of(text: str, year_default: str | None = None) -> Period:
    """The period `text` speaks of; a text that names no year takes `year_default` (its source's year)."""
    rules = _rules()
    months, as_of = None, False
    for kind, value, pattern in rules.spans:
        m = pattern.search(text)
        if not m:
            continue
        as_of = kind == "asof"  # "by the end of August 2023": what had accumulated by then
        if value == "n":
            months = _number(m.group("n"), rules.numbers)
        elif value == "month":
            months = _number(m.group("month"), rules.months) or _number(m.group("month").split()[-1], rules.months)
        else:
            months = int(value)
        if months:
            break
    named = tuple(years(rules.compared.sub(" ", text))) or ((year_default,) if year_default else ())
    to_date = as_of and bool(months) and not rules.flow.search(text)
    return Period(named, months, to_date or bool(rules.stock.search(text)), bool(rules.target.search(text)))


def is_target(text: str) -> bool:
    """Whether `text` states a goal or plan ("aims to develop 15 parks", "mục tiêu", "목표"), not what happened."""
    return bool(_rules().target.search(text))


def says_this_year(text: str) -> bool:
    """Whether `text` speaks of the year it was written in without naming it ("올해 1~8월", "this year")."""
    return bool(_rules().now.search(text))


def fitting(asked: Period, candidates: list[T], period: Callable[[T], Period]) -> list[T]:
    """The candidates whose period fits the asked one. What a question names is required: the year it
    names, and never another span than the one it names (a half-year figure is no answer about eight
    months, a 2024 figure none about 2022), so a period no candidate reports gets none; what it leaves
    open is preferred, each test applied only when some candidate passes it (so a corpus that reports a
    measure only one way still answers): a running total for a question about one, a flow for a question
    about a span, and for a year without a span, a whole year before a part of it. `period` gives a
    candidate's Period."""
    kept = list(candidates)

    def narrow(test: Callable[[Period], bool]) -> None:
        nonlocal kept
        passing = [c for c in kept if test(period(c))]
        if passing:
            kept = passing

    if not asked.target:
        narrow(lambda p: not p.target)  # "how many parks?" is not answered with the 15 a plan aims for
    if asked.stock:
        narrow(lambda p: p.stock)
    elif asked.months:
        narrow(lambda p: not p.stock)
    if asked.years:
        kept = [c for c in kept if set(period(c).years) & set(asked.years)]
        wanted = asked.months or 12
        narrow(lambda p: p.months == wanted)
        if asked.months:
            kept = [c for c in kept if period(c).months in (None, wanted)]
        else:
            narrow(lambda p: p.months in (None, wanted))
    return kept
