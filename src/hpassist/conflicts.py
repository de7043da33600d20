"""Figures that change over time: find each source's report of the asked quantity, newest first.

Korean investment in Hải Phòng, for instance, is reported as US$10 bn (2023), 11.5 bn (2024),
14.2 bn (2025) and 15.4 bn (2026): the answer leads with the newest and names the older ones. Figures
are read with their unit and qualifier ("hơn 15,4 tỷ USD") so they can be restated in the reader's
language ("more than US$15.4 billion", "154억 달러 이상") without changing their value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from .domain import EVERYWHERE, Concept, continues, default_measure, glossary, lines, lower_text, measure_at, measures_named, reported_in, shares_measure, stated_in, weight
from .periods import Period, fitting, period_of
from .query import Query, quantities_asked, spelling_pattern
from .schema import Evidence, Sentence, Trend, TrendPoint
from .text import figures as text_figures  # the name `figures` is a report's
from .text import AREAS, KO_NUMBER, NUMBER, VI_SCALES, canonical_number, currencies, fold, has_name, korean_value, scale_of, whole_word, years

_QUALIFIER = r"(?:(hơn|trên|gần|khoảng|over|more than|nearly|almost|about|around)\s+)?"
_DIGITS_GROUP = r"(\d[\d.,]*)"
# Words that say what kind of project is counted (valid, new, foreign-invested, FDI …), not what else is.
_PROJECT_KIND = (r"(?:valid|new|active|effective|operating|operational|licensed|registered|approved|foreign|"
                 r"foreign-invested|foreign-funded|foreign-owned|direct|investment|fdi|oda|domestic|additional|expansion)")
_PATTERNS = (
    ("usd", re.compile(_QUALIFIER + r"(?:US)?\$\s?" + _DIGITS_GROUP + r"\s*(billion|bn|million)", re.IGNORECASE)),
    ("usd", re.compile(_QUALIFIER + _DIGITS_GROUP + r"\s*(tỷ|triệu)\s*(?:USD|đô la)", re.IGNORECASE)),
    ("usd", re.compile(_QUALIFIER + _DIGITS_GROUP + r"\s*(billion|million)\s*(?:USD|US dollars|dollars)", re.IGNORECASE)),
    # Sums in đồng ("390,7 nghìn tỷ đồng", "VNĐ390.7 trillion", "27.7 trillion VND"); not a price per m² or per month.
    ("vnd", re.compile(_QUALIFIER + _DIGITS_GROUP + r"\s*(nghìn tỷ|ngàn tỷ|tỷ|triệu)\s*(?:đồng|VNĐ|VND)(?!\w)(?!\s*(?:/|per\b|mỗi\b))", re.IGNORECASE)),
    ("vnd", re.compile(_QUALIFIER + r"(?:VNĐ|VND|₫)\s?" + _DIGITS_GROUP + r"\s*(trillion|billion|million|tn|bn)\b(?!\s*(?:/|per\b))", re.IGNORECASE)),
    ("vnd", re.compile(_QUALIFIER + _DIGITS_GROUP + r"\s*(trillion|billion|million)\s*(?:VNĐ|VND|dong|đồng)(?!\w)(?!\s*(?:/|per\b))", re.IGNORECASE)),
    ("projects", re.compile(_QUALIFIER + _DIGITS_GROUP + r"()\s*(?:dự án|projects)", re.IGNORECASE)),
    # English puts the kind of project between the count and the noun: "2,075 valid FDI projects".
    ("projects", re.compile(_QUALIFIER + r"(?<![\d.,])(?!(?:19|20)\d\d\b)" + _DIGITS_GROUP + r"()(?=(?:\s+" + _PROJECT_KIND + r"){1,4}\s+projects\b)", re.IGNORECASE)),
    ("projects", re.compile(_QUALIFIER + _DIGITS_GROUP + r"()\s*(?:건|개\s*(?:의\s*)?(?:프로젝트|사업))")),
    ("countries", re.compile(_QUALIFIER + _DIGITS_GROUP + r"()\s*(?:quốc gia|countries)", re.IGNORECASE)),
)
# Korean money: "약 476억 달러", "13억 달러 이상", "5억2500만 달러"; its qualifier may follow it.
_KOREAN_USD = re.compile(rf"(약\s*)?({KO_NUMBER})\s*달러(\s*(?:이상|[을를]?\s*넘|가까이))?")
# A share ("chiếm 14% cả nước") is relative to a total by nature, so it is read from the whole sentence.
_PERCENT = re.compile(_QUALIFIER + _DIGITS_GROUP + r"()\s*%")
_QUALIFIERS = {
    "more": {"en": "more than {}", "vi": "hơn {}", "ko": "{} 이상"},
    "nearly": {"en": "nearly {}", "vi": "gần {}", "ko": "약 {}"},
    "about": {"en": "about {}", "vi": "khoảng {}", "ko": "약 {}"},
}
QUALIFIER_KIND = {"hơn": "more", "trên": "more", "over": "more", "more than": "more", "gần": "nearly",
                   "nearly": "nearly", "almost": "nearly", "khoảng": "about", "about": "about", "around": "about"}
# A clause about the whole country's total, not the city's.
_NATIONAL = re.compile(
    r"(tại Việt Nam|in Vietnam|cả nước|nationwide|toàn quốc|Việt Nam có|của Việt Nam|Vietnam has|Vietnam had|Vietnam's|베트남 전체|베트남에는)",
    re.IGNORECASE,
)


def _word_rows(name: str) -> dict[str, list[str]]:
    """A data file of "kind<TAB>word | word …" lines: {kind: [words]}."""
    return {kind: [w.strip() for w in words.split("|") if w.strip()] for kind, words in (line.split("\t") for line in lines(name))}


def _any_of(words: list[str]) -> str:
    """A regex for any of `words` as whole words, the longest first."""
    return "|".join(whole_word(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _ranks() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, int]]:
    """data/ranks.tsv: the words that ask for a rank, the pattern of a stated rank, and each ordinal word's
    number. A match's group "after" or "before" is the ordinal ("7", "seventh"), "ko" the digits before 위; none is first."""
    rows = _word_rows("ranks.tsv")
    ordinals = {w.lower(): int(n) for n, words in rows.items() if n.isdigit() for w in words}
    words = "|".join(re.escape(w) for w in sorted(ordinals, key=len, reverse=True))
    ordinal = lambda group: rf"(?P<{group}>\d+(?:st|nd|rd|th)?|{words})(?!\w)"
    stated = (
        rf"(?<!người )(?:{_any_of(rows['first'])})(?! đoàn)"  # "đứng đầu cả nước", not a leader or a delegation's head
        rf"|(?:{_any_of(rows['after'])})\s+(?:no\.\s*)?{ordinal('after')}"
        rf"|(?<!\w){ordinal('before')}[- ](?:{'|'.join(map(re.escape, rows['before']))})(?!\w)"
        r"|(?P<ko>\d+)\s?위(?!원)"  # 전국 1위, 2위 투자국
    )
    return re.compile(_any_of(rows["asked"]), re.IGNORECASE), re.compile(stated, re.IGNORECASE), ordinals


def ranks(text: str) -> set[int]:
    """The places a text states, in any of the three languages: "ranked 1st", "đứng đầu" and "1위" are all 1."""
    return {int(f.value) for _, f in _rank_figures(text)}


def _rank_figures(sentence: str) -> list[tuple[int, Figure]]:
    """The ranks a sentence states, with where each starts: 'xếp thứ 7' is 7, 'đứng đầu' and '1위' are 1."""
    _, pattern, ordinals = _ranks()
    found = []
    for m in pattern.finditer(sentence):
        written = m.group("ko") or m.group("after") or m.group("before")
        value = int(re.match(r"\d+", written).group(0)) if written and written[0].isdigit() else ordinals.get((written or "").lower(), 1)
        found.append((m.start(), Figure("rank", value, None, m.group(0).strip())))
    return found


@lru_cache(maxsize=1)
def _deadlines() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """data/deadlines.tsv: the words that ask by which year, and the pattern of a stated due year (group "year")."""
    rows = _word_rows("deadlines.tsv")
    before = "|".join(rf"(?<!\w){re.escape(w)}" for w in sorted(rows["before"], key=len, reverse=True))
    after = "|".join(re.escape(w) for w in sorted(rows["after"], key=len, reverse=True))
    stated = rf"(?:{before})\s+(?P<year>(?:19|20)\d\d)(?!\d)|(?<!\d)(?P<ko>(?:19|20)\d\d)\s?(?:{after})"
    return re.compile(_any_of(rows["asked"]), re.IGNORECASE), re.compile(stated, re.IGNORECASE)


def _deadline_figures(sentence: str) -> list[tuple[int, Figure]]:
    """The due years a sentence states, with where each starts: "2035년까지 … 16억 달러" is due by 2035."""
    return [(m.start(), Figure("deadline", int(m.group("year") or m.group("ko")), None, m.group(0).strip())) for m in _deadlines()[1].finditer(sentence)]


# What a question may ask beside an amount, read from the whole sentence: a place among others ("where did it
# rank?", "xếp thứ mấy", "순위는 몇 위"), a due year ("by which year?", "đến năm nào", "언제까지"); each unit's
# reader returns the pattern of the words that ask for it first.
_COMPANIONS = {"rank": _ranks, "deadline": _deadlines}


def _companions_asked(text: str) -> tuple[set[str], str]:
    """The companion figures a question asks for, and its text without the words that ask for them ("몇 위",
    "언제까지" ask for no amount)."""
    asked, rest = set(), text
    for unit, reader in _COMPANIONS.items():
        asking = reader()[0]
        if asking.search(rest):
            asked.add(unit)
            rest = asking.sub(" ", rest)
    return asked, rest


# This module's units as data/units.tsv names them.
_UNIT_NAMES = {"usd": "USD", "vnd": "VND", "percent": "%"}
MONEY = frozenset({"usd", "vnd"})  # the currencies this module reads sums in


@dataclass(frozen=True)
class Figure:
    """A measured value as a source states it."""

    unit: str  # "usd" | "vnd" | "projects" | "countries" | "percent" | "rank" | "deadline" | a price ("USD/m2")
    value: float
    qualifier: str | None  # "more" | "nearly" | "about"
    written: str  # exactly as in the source

    def render(self, language: str) -> str:
        """The figure in the reader's language, same value."""
        return qualified(_render_value(self.unit, self.value, language), self.qualifier, language)


def qualified(text: str, qualifier: str | None, language: str) -> str:
    """A rendered figure with its qualifier ("more than …", "hơn …", "… 이상") in `language`."""
    if not qualifier:
        return text
    return _QUALIFIERS[qualifier].get(language, _QUALIFIERS[qualifier]["en"]).format(text)


def format_number(value: float, language: str) -> str:
    """6,100.5 in English and Korean, 6.100,5 in Vietnamese; at most three decimals (21,145 tỷ)."""
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".") if language == "vi" else text


def korean_amount(value: float) -> str:
    """A large sum as Korean news writes it, in 조, 억 and 만: '143억4000만', '1조3000억', '8억6090만' (not
    '143.4억'); under 1억, the number of 만 ('5250만')."""
    man = round(value / 1e4)
    jo, rest = divmod(man, 10**8)
    eok, man = divmod(rest, 10**4)
    if not jo and not eok:
        return f"{value / 1e4:.3f}".rstrip("0").rstrip(".") + "만"
    parts = [f"{jo}조" if jo else "", f"{eok}억" if eok else "", f"{man}만" if man and not jo else ""]
    return "".join(parts)


# The currency's large-sum scale words, largest first (templates: data/unit_templates.tsv); Korean counts in
# 조, 억 and 만 instead (korean_amount: '143억4000만', '496만').
_MONEY_SCALES = {
    "en": ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")),
    "vi": ((1e12, " nghìn tỷ"), (1e9, " tỷ"), (1e6, " triệu")),
}


def money(currency: str, value: float, language: str) -> str:
    """'390.7 trillion VND', '390,7 nghìn tỷ đồng', '390조7000억동': a sum in its currency (data/units.tsv's
    name), a large one with its scale word."""
    language = language if language in ("en", "vi", "ko") else "en"
    if language == "ko":
        amount = korean_amount(value) if value >= 1e4 else format_number(value, language)
    else:  # the largest scale that keeps every digit: 66.783,07 tỷ stays so, not 66,783 nghìn tỷ
        fitting = [(size, word) for size, word in _MONEY_SCALES[language] if value >= size] or [(1.0, "")]
        size, word = next((p for p in fitting if abs(round(value / p[0], 3) * p[0] - value) <= value * 1e-9), fitting[-1])
        amount = format_number(value / size, language) + word
    return unit_templates("money")[currency][language].format(amount)


@lru_cache(maxsize=4)
def unit_templates(kind: str) -> dict[str, dict[str, str]]:
    """{unit: {language: template}} of one kind ("plain", "money" or "per") from data/unit_templates.tsv."""
    rows = [line.split("\t") for line in lines("unit_templates.tsv")]
    return {unit: dict(zip(("en", "vi", "ko"), spellings)) for k, unit, *spellings in rows if k == kind}


def _render_value(unit: str, value: float, language: str) -> str:
    if unit == "usd":
        if language == "ko":
            return f"{korean_amount(value)} 달러"
        big = value >= 1e9
        amount = format_number(value / (1e9 if big else 1e6), language)
        if language == "vi":
            return f"{amount} {'tỷ' if big else 'triệu'} USD"
        return f"US${amount} {'billion' if big else 'million'}"
    if unit == "vnd":
        return money("VND", value, language)
    if is_price(unit):
        currency, _, per = unit.partition("/")
        return money(currency, value, language) + per_suffix(per, language)
    if unit == "deadline":
        return {"vi": f"đến năm {int(value)}", "ko": f"{int(value)}년까지"}.get(language, f"by {int(value)}")
    if unit == "rank":
        n = int(value)
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return {"vi": "đứng đầu" if n == 1 else f"xếp thứ {n}", "ko": f"{n}위"}.get(language, f"ranked {n}{suffix}")
    words = {
        "percent": {"en": "{}%", "vi": "{}%", "ko": "{}%"},
        "projects": {"en": "{} projects", "vi": "{} dự án", "ko": "{}개 프로젝트"},
        "countries": {"en": "{} countries and territories", "vi": "{} quốc gia và vùng lãnh thổ", "ko": "{}개 국가·지역"},
    }[unit]
    return words.get(language, words["en"]).format(format_number(value, language))


@dataclass(frozen=True)
class Report:
    """One source's statement of the asked quantity."""

    evidence: Evidence
    figures: tuple[Figure, ...]
    stated: str | None = None  # an undated source's year for its figures ("- 2024 (CBRE): … US$160/m²")

    @property
    def date(self) -> str | None:
        return self.evidence.sentence.date or self.stated

    def render(self, language: str) -> str:
        return ", ".join(f.render(language) for f in self.figures)


@lru_cache(maxsize=1 << 14)
def local_figures(sentence: str, national: bool = False) -> tuple[Figure, ...]:
    """Measured figures of a sentence in reading order, from the clauses about the city (or, with
    `national`, only from those about the whole country); asides in parentheses are ignored. Cached: each
    answer reads the figures of the same corpus sentences again."""
    without_asides = re.sub(r"\([^)]*\)", lambda m: " " * len(m.group(0)), sentence)
    # A share or a rank is relative to a whole (the country, all investors) by nature, and a due year is the
    # whole statement's: read from the whole sentence.
    found = [(m.start(), _figure("percent", m)) for m in _PERCENT.finditer(sentence)] + _rank_figures(sentence) + _deadline_figures(sentence)
    found += _price_figures(sentence)
    opening = False  # "Trên phạm vi cả nước, …", "Nationwide, …": an opening phrase puts the whole sentence there
    for n, clause in enumerate(re.finditer(r"(?:[^,;]|,(?=\d))+", without_asides)):
        about_country = bool(_NATIONAL.search(clause.group(0)))
        opening = opening or (n == 0 and about_country and not re.search(r"\d", clause.group(0)))
        if (about_country or opening) != national:
            continue
        for unit, pattern in _PATTERNS:
            for m in pattern.finditer(clause.group(0)):
                found.append((clause.start() + m.start(), _figure(unit, m)))
        for m in _KOREAN_USD.finditer(clause.group(0)):
            qualifier = "about" if m.group(1) else "more" if m.group(3) else None
            figure = Figure("usd", float(f"{korean_value(m.group(2)):.9g}"), qualifier, m.group(0).strip())
            found.append((clause.start() + m.start(), figure))
    return tuple(f for _, f in sorted(found, key=lambda p: p[0]))


def _price_figures(sentence: str) -> list[tuple[int, Figure]]:
    """Prices: a sum per area or per month ("US$160/m² per cycle", "4,96 triệu đồng/tháng"), unit "USD/m2"."""
    return [
        (f.start, Figure(f.unit, f.value, None, _WRITTEN.match(sentence, f.start).group(0)))
        for f in text_figures(sentence)
        if is_price(f.unit)
    ]


_WRITTEN = re.compile(r"[^\s,;]+(?<!\.)")


def is_price(unit: str | None) -> bool:
    """A sum divided by what it buys ("USD/m2", "VND/month"): a price, whatever words name it."""
    currency, _, per = (unit or "").partition("/")
    return bool(per) and currency in currencies()


def _figure(unit: str, m: re.Match[str]) -> Figure:
    qualifier, number, scale = m.group(1), m.group(2), m.group(3)
    vietnamese = scale.lower() in VI_SCALES
    value = float(f"{float(canonical_number(number.rstrip('.,'), vietnamese)) * scale_of(scale):.9g}")
    kind = QUALIFIER_KIND.get(qualifier.lower()) if qualifier else None
    return Figure(unit, value, kind, m.group(0).strip())


def _date_key(date: str | None) -> tuple[int, ...]:
    return tuple(int(p) for p in date.split("-")) if date else (0,)


# Words that ask for a sum of money; Korean "-액" is an amount (투자액, 유치액, 수출액), not 액정 (LCD).
_MONEY_CUE = re.compile(r"how much|capital|USD|dollar|billion|bao nhiêu vốn|vốn|tỷ(?!\s*lệ)|얼마|[가-힣]액(?!정)|달러|자본", re.IGNORECASE)


def counted(query: Query) -> set[str]:
    """The things a quantity question counts when it asks for no sum of money: projects, countries
    ("How many investment projects does Samsung have?" is answered by no figure of Samsung's capital)."""
    if not query.asks_quantity or query.asks_units or _MONEY_CUE.search(query.text):
        return set()
    names = {c.english[0] for c in query.all_concepts}
    return {unit for unit, concept in (("projects", "project"), ("countries", "country")) if concept in names}


def asked_units(query: Query) -> set[str]:
    """Which units a quantity question asks for: a share, or money in the currency its measure is reported in
    (with its number of projects), projects, countries, and beside an amount a rank or a due year; none when
    it asks for a kind of figure these do not measure (an area, a count of workers)."""
    names = {c.english[0] for c in query.all_concepts}
    measures = {m.measure for m in measures_named(query.text)}
    if "percent" in names or "%" in query.asks_units:
        if quantities_asked(query.text) < 2:
            return {"percent"}
        units = {"percent"}  # "how much FDI … and what share of the national total": the amount and the share
    elif query.asks_units and "USD" not in query.asks_units:
        return set()  # "면적은 얼마입니까?": a Korean "how much" asks for hectares here, not money
    elif "price" in measures and query.asks_units:
        return prices()  # "the current average land rent": a sum per m² (or per month), not a total
    else:
        units = set()
    units |= {unit for unit, concept in (("projects", "project"), ("countries", "country")) if concept in names}
    if _MONEY_CUE.search(query.text) or ("investment" in names and not units):
        units |= _currencies(measures) | {"projects"}  # an amount is reported with the number of projects behind it
    if measures and all(stated_in(m, "USD") for m in measures):
        units |= _currencies(measures)  # "kim ngạch xuất nhập khẩu … bao nhiêu?": trade is a sum of money
    companions, rest = _companions_asked(query.text)
    if companions:  # "how much FDI … and where did it rank?": the sum and the place. "Where does Korea rank by
        # capital and by projects?" asks no sum: a place in words, nothing to compare.
        return units | companions if units & MONEY and quantities_asked(rest) else set()
    return units


def per_suffix(per: str, language: str) -> str:
    """What a price divides by, written after its sum: "m2/month" -> "/m²/month", "/m²/tháng", "/㎡/월"."""
    templates = unit_templates("per")
    return "".join(templates[p][language if language in ("en", "vi", "ko") else "en"] for p in per.split("/"))


@lru_cache(maxsize=1)
def prices() -> frozenset[str]:
    """Every unit a price can be stated in: each currency per each thing a price divides by, an area also per
    a span of time ("USD/m2/month")."""
    pers = set(unit_templates("per"))
    areas = AREAS & pers
    pers |= {f"{a}/{t}" for a in areas for t in pers - areas}
    return frozenset(f"{c}/{per}" for c in currencies() for per in pers)


def _currencies(measures: set[str]) -> set[str]:
    """The currencies sums of the named measures are reported in (data/measures.tsv lists it first): US
    dollars for foreign investment and trade, đồng for domestic investment; dollars when none is named."""
    reported = {currency.lower() for m in measures if (currency := reported_in(m))} & MONEY
    return reported or {"usd"}


def _about(query: Query, sentence: str, document: str) -> bool:
    """The sentence shares one of the question's topics, and it or its document names every country,
    company, organisation or other name the question names (the city and the country are the scope, not
    the subject; "the report on the Chungbuk delegation" names the document, not the sentence)."""
    topics = [c for c in query.all_concepts if not c.entity]
    if not _names_subject(query, sentence, document):
        return False
    # Of a company the question names, a topic may be named as the measure it is ("the facility's registered
    # capital" for "the investment" of Goertek Vina).
    measured = bool(query.names) and shares_measure(query.text, sentence)
    return not topics or measured or any(c.found_in(sentence) for c in topics)


def _names_subject(query: Query, sentence: str, document: str = "") -> bool:
    """The sentence or its document names every country, company, organisation or other name the question
    names, the country (the scope) apart."""
    entities = [c for c in query.all_concepts if c.entity and c.english[0] != "Vietnam"]
    named = all(c.found_in(sentence) or c.found_in(document) for c in entities)
    # Names no glossary knows ("Amkor", "Goertek Vina") too: a figure of a text that never names them is another's.
    if named and query.names:
        where = f" {fold(sentence)} {fold(document)} "
        named = all(has_name(where, n) for n in query.names)  # as written, or in Hangul: 삼성디스플레이
    return named


@lru_cache(maxsize=1)
def _part_opener() -> re.Pattern[str]:
    """data/parts.txt: the openers of a sentence that states a part of a larger total."""
    openers = [line.strip() for line in lines("parts.txt")]
    return re.compile(rf"^\W*(?:{'|'.join(openers)})(?!\w)", re.IGNORECASE)


def _part_of_another(query: Query, sentence: str) -> bool:
    """The sentence states a part ("Riêng các khu công nghiệp của Bắc Giang (cũ) … 510 dự án", "Of these,
    1,560 projects …") whose scope, the words between the opener and the figure, names nothing the
    question asks about."""
    opener = _part_opener().match(sentence)
    if not opener:
        return False
    rest = sentence[opener.end() :]
    figure = next((m for m in NUMBER.finditer(rest) if not re.fullmatch(r"(?:19|20)\d\d", m.group(0))), None)
    scope = rest[: figure.start()] if figure else rest
    folded = f" {fold(scope)} "
    return not (
        any(c.found_in(scope) for c in query.all_concepts)
        or any(has_name(folded, n) for n in query.names)
        or set(years(scope)) & set(query.years)
    )


@lru_cache(maxsize=1)
def _part_words() -> dict[str, re.Pattern[str]]:
    """data/part_words.tsv: one pattern per kind of word, "part" (a phase, an addition) and "total"."""
    words: dict[str, list[str]] = {}
    for line in lines("part_words.tsv"):
        kind, spelled = line.split("\t")
        words.setdefault(kind, []).extend(w.strip() for w in spelled.split("|"))
    return {
        kind: re.compile("|".join(spelling_pattern(w) for w in sorted(ws, key=len, reverse=True)), re.IGNORECASE)
        for kind, ws in words.items()
    }


_PART_REACH = weight("conflicts", "part_reach")
_OPENING = weight("refusal", "opening")  # the gate reads a document's opening for the same purpose


def _scopes(text: str) -> set[str]:
    """The glossary places and countries the text names as where ("in Bac Ninh", "tại Việt Nam", "박닌성에")."""
    lowered = lower_text(text)
    pattern, by_term = _entity_terms()
    return {
        by_term[m.group(0)].english[0]
        for m in pattern.finditer(lowered)
        if by_term[m.group(0)].kind in ("place", "country")
        and (_SCOPE_BEFORE.search(lowered[: m.start()]) or _LOCATED_AFTER.match(lowered[m.end() :]))
    }


def of_the_whole_asked(query: Query, text: str) -> str:
    """The text with its figures that are not of the whole the question asks about blanked: those of a clause
    whose place is another than the one the question asks about ("across Vietnam the company has committed
    around 400 million USD" for a question about Bac Ninh), and parts of a sum ("a 27 million USD second
    phase", data/part_words.tsv) unless the question asks about a phase or an addition itself."""
    asked_where = _scopes(query.text)
    part, total = _part_words()["part"], _part_words()["total"]
    parts = not part.search(query.text)
    blanked = list(text)

    def blank(start: int, end: int) -> None:
        blanked[start:end] = " " * (end - start)

    for clause in re.finditer(r"[^;]+", text):
        where = _scopes(clause.group(0)) if asked_where else set()
        if where and not where & asked_where:
            for number in NUMBER.finditer(clause.group(0)):
                blank(clause.start() + number.start(), clause.start() + number.end())
            continue
        words = clause.group(0)
        for word in part.finditer(words) if parts else ():
            for number in NUMBER.finditer(words):
                between = words[number.end() : word.start()] if number.end() <= word.start() else words[word.end() : number.start()]
                whole = total.search(between) or total.search(words[max(0, number.start() - _PART_REACH // 2) : number.start()])
                if number.start() < word.end() and number.end() > word.start() or len(between) > _PART_REACH or whole:
                    continue  # the part word's own number ("phase 2"), too far, or a total ("총 16억 달러")
                blank(clause.start() + number.start(), clause.start() + number.end())
    return "".join(blanked)


def _meaningful(figure: Figure) -> bool:
    """A running total, not a single item ("1 dự án đến từ Hàn Quốc")."""
    return figure.unit in MONEY or figure.unit in _COMPANIONS or figure.value >= 2


# The starting point of a change: "from US$6.5 billion to …", "từ 6,5 tỷ USD lên …", "65억 달러(…)에서 83억 달러로".
_CHANGE_FROM = (r"(?:from|từ)\s+{}\s+(?:to|lên|thành|đến)\b", r"{}\s*(?:\([^)]*\))?\s*에서")


def _first_per_unit(figures: Iterable[Figure], sentence: str = "") -> tuple[Figure, ...]:
    """A sentence's first figure of each unit: the total it states, not the parts it breaks it into
    ("510 projects, of which 394 new and 116 adjusted"); of a change, where it ended, not where it began."""
    first: dict[str, Figure] = {}
    for figure in figures:
        if any(re.search(p.format(re.escape(figure.written)), sentence, re.IGNORECASE) for p in _CHANGE_FROM):
            continue
        first.setdefault(figure.unit, figure)
    return tuple(first.values())


def reports(
    query: Query, ranked: list[Evidence], min_similarity: float, documents: dict[str, str]
) -> list[Report]:
    """One report per source of the quantity asked about, newest first (only for quantity questions),
    from the sentences of the period the question names (periods.fitting). `documents` maps each
    source to its text."""
    units = asked_units(query) if query.asks_quantity or query.asks_units else set()
    if not units:
        return []
    # Of the measures the question names, only theirs: exports are not FDI, a plant's revenue not its investment.
    measures = {m.measure for m in measures_named(query.text)}

    def of_asked(sentence: str, figure: Figure) -> bool:
        """The figure measures what the question asks in a unit that measure has: no count of projects answers
        a question about a tax rate. A sentence that names no measure states an investment (measures.tsv's
        first measure), the news this assistant reads: not a plant's revenue or a province's exports."""
        if not measures:
            return True
        if figure.unit in _COMPANIONS:  # a place or a due year of any measure: the one the sentence names
            return bool(({m.measure for m in measures_named(sentence)} or {default_measure()}) & measures)
        if is_price(figure.unit):  # a sum per m² is a price whatever the sentence calls it
            return "price" in measures
        unit = _UNIT_NAMES.get(figure.unit, figure.unit)
        measure = measure_at(sentence, sentence.find(figure.written), sentence=True) or default_measure()
        return measure in measures and any(stated_in(m, unit) for m in measures)

    counts = counted(query)  # "how many projects": a report states a count of them, not only a sum

    def states_count(figures: tuple[Figure, ...]) -> bool:
        return not counts or any(f.unit in counts for f in figures)

    names = {c.english[0] for c in query.all_concepts}
    national = "Vietnam" in names and not re.search(r"h[aả]i\s*ph[oò]ng|haiphong|하이퐁", query.text, re.IGNORECASE)
    by_source: dict[str, Report] = {}
    # A sentence that names what is asked about wins over one whose document alone names it ("gần 1 tỷ
    # USD" of a month's certificates, in an article that names Korea elsewhere).
    def statements(candidates: Iterable[Evidence]) -> list[tuple[Evidence, tuple[Figure, ...]]]:
        """Each candidate that states the asked quantity, with its figures of it."""
        return [
            (ev, figures)
            for ev in candidates
            if not _part_of_another(query, ev.sentence.text)
            for figures in [_first_per_unit((f for f in local_figures(ev.sentence.text, national) if f.unit in units and _meaningful(f) and not _of_another(query, ev.sentence.text, f) and of_asked(ev.sentence.text, f)), ev.sentence.text)]
            if figures and states_count(figures)
        ]

    stating = statements(ev for ev in ranked if ev.similarity >= min_similarity)
    # Only the period asked about: "in the first two months of 2022" is not the running total, nor 2023.
    # The sentences that name what is asked are narrowed first, so a running total whose document alone
    # names Korea (the city's "lũy kế … 494 dự án") cannot displace them; the document-named ones then
    # pass the same tests, so they never bring back a period the named sentences answer without.
    asked = period_of(query.text)
    when = lambda c: _period(c[0].sentence)
    named = [c for c in stating if _about(query, _in_context(c[0]), "")]
    kept = fitting(asked, named, when)
    # A document names it when its opening does (title and first sentences: what it is about), not a mention
    # anywhere: a province's FDI total is not Korea's because the article lists Korea's projects further down.
    opening = lambda c: documents.get(c[0].sentence.source, "")[:_OPENING]
    by_document = [c for c in stating if c not in named and _about(query, _in_context(c[0]), opening(c))]
    for ev, figures in kept + [c for c in fitting(asked, kept + by_document, when) if c not in kept]:
        by_source.setdefault(ev.sentence.source, Report(ev, figures))
    # An undated source (a guide's time series: "- 2021 (Savills): … US$106/m²", "- 2024 (CBRE): … . Bac Ninh
    # posted … US$160/m²") reports the figure of the latest year its sentences state, dated so: the closest
    # sentence tells that the source answers, not which of its years is the newest. One naming what is asked
    # wins a tie.
    latest = lambda c: max(_period(c[0].sentence).years, default=None)
    for source, report in list(by_source.items()):
        if not report.evidence.sentence.date:
            own = fitting(asked, statements(ev for ev in ranked if ev.sentence.source == source), when)
            ev, figures = max(own, key=lambda c: (_date_key(latest(c)), _names_subject(query, _in_context(c[0]))))
            by_source[source] = Report(ev, figures, latest((ev, figures)))
    return sorted(by_source.values(), key=lambda r: _date_key(r.date), reverse=True)


def complement(
    query: Query, found: list[Report], ranked: list[Evidence], neighbours: Callable[[Evidence], list[Evidence]]
) -> Report | None:
    """For a question that asks for an amount and a share, a rank or a due year ("how much FDI … and what share
    of the national total?", "… and where did it rank?"), a report of what the newest report lacks, from the best
    sentence of the newest report's source that states it: a ranked one, or a neighbour of a sentence of that
    source that states a figure ("… 16.9% of the country's FDI" after the amount, "… đứng đầu." before it).
    Both halves then come from one report, one period."""
    units = asked_units(query) if found and query.asks_quantity else set()
    halves = units & {"percent", *_COMPANIONS}
    if not halves or not units & MONEY:
        return None
    lead = found[0].evidence
    have = {f.unit for f in found[0].figures}
    missing = halves - have if have & MONEY else units & MONEY
    if not missing:
        return None

    def stated(ev: Evidence, wanted: set[str]) -> tuple[Figure, ...]:
        figures = (f for national in (False, True) for f in local_figures(ev.sentence.text, national) if f.unit in wanted)
        return _first_per_unit(figures, ev.sentence.text)

    wanted_years = set(query.years) or set(years(lead.sentence.text))

    def of_the_whole_that_year(ev: Evidence) -> bool:
        """Not a part's figure ("Nếu chỉ tính vốn cấp mới …, … 4,84 tỷ USD"), nor another year's ("năm 2023
        tỉnh chỉ xếp thứ 7" beside the 2024 total)."""
        own = set(years(ev.sentence.text))
        return not _part_opener().match(ev.sentence.text) and (not wanted_years or not own or bool(wanted_years & own))

    same = [ev for ev in ranked if ev.sentence.source == lead.sentence.source and ev != lead]
    beside = [f for ev in [lead, *same] if stated(ev, have) for f in neighbours(ev)]
    candidates = (ev for ev in same + beside if of_the_whole_that_year(ev))
    return next((Report(ev, figures) for ev in candidates for figures in [stated(ev, missing)] if figures), None)


def _in_context(ev: Evidence) -> str:
    """The sentence, after the one before it when it names its subject only through that one ("Đây là bước
    nhảy vọt, bởi năm 2023 tỉnh chỉ xếp thứ 7 …" follows the sentence about FDI)."""
    return f"{ev.sentence.before} {ev.sentence.text}" if continues(ev.sentence.text) else ev.sentence.text


def _period(sentence: Sentence) -> Period:
    """The period a sentence's figures cover; one that names none keeps the span the sentence before it names
    ("For January–September, total trade was … . Exports came to 65.7 billion USD"), and in an undated source
    its year ("- 2024 (CBRE): … . Bac Ninh posted … US$160/m², 40% above its 2022 level")."""
    own = period_of(sentence.text, _year_of(sentence))
    if own.months or period_of(sentence.text).years or not sentence.before:
        return own
    carried = period_of(f"{sentence.before} {sentence.text}", _year_of(sentence))
    # An undated source has no year of its own to fall back on: the year the sentence before names is its.
    return carried if carried.months or (not sentence.date and carried.years) else own


def _year_of(sentence: Sentence) -> str | None:
    """The year a sentence that writes none speaks of: its document title's ("Bắc Ninh về nhất FDI 2024",
    published in February 2025), else its document's date."""
    return next(iter(years(sentence.title)), None) or (sentence.date or "")[:4] or None


# A place named as where something is ("in Bac Ninh", "tại Bắc Ninh", "박닌에"), not who holds the figure.
_LOCATED_BEFORE = re.compile(r"(?:\b(?:in|at|into|to|across|from)|(?<!\w)(?:tại|ở|vào|đến|sang|từ|trên địa bàn))\s*$", re.IGNORECASE)
_WHOLE_BEFORE = re.compile(r"(?:\b(?:among|out of|of all)|(?<!\w)(?:trong số|trong tổng số))\s*$", re.IGNORECASE)
# A place a figure holds in, its scope ("across Vietnam", "tại Bắc Ninh", "베트남에"): narrower than located,
# since "exports to Korea" or "investors from Japan" name a partner, not where the sum was counted.
_SCOPE_BEFORE = re.compile(r"(?:\b(?:in|across|throughout|into)|(?<!\w)(?:tại|ở|vào|trên địa bàn|trên toàn|khắp))\s*$", re.IGNORECASE)
_LOCATED_AFTER = re.compile(r"^(?:성|시|도)?(?:에서|에|로|으로)")


@lru_cache(maxsize=1)
def _entity_terms() -> tuple[re.Pattern[str], dict[str, Concept]]:
    """One pattern for every term of the glossary's countries, places and companies (longest first), and
    the concept of each term: `_of_another` runs per figure, on the answer's path."""
    by_term = {t: c for c in glossary() if c.entity for t in c.terms}
    alternatives = "|".join(re.escape(t) for t in sorted(by_term, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})"), by_term


def _of_another(query: Query, sentence: str, figure: Figure) -> bool:
    """The figure follows a country, place or company the question does not name, as the subject of its
    words ("…, Hàn Quốc đứng đầu với 960 dự án" for a question about the province): that one's figure.
    The city and country are the scope, not a subject; a name the question gives (a company no glossary
    line knows) after that mention makes the figure its own."""
    nearest = owner_before(sentence, sentence.find(figure.written), query.names)
    return nearest is not None and nearest not in {c for c in query.all_concepts if c.entity}


def owner_before(sentence: str, at: int, names: Iterable[str] = ()) -> Concept | None:
    """The country, place or company (a glossary entity) whose figure stands at `at`: the nearest one named
    before it as the subject of its words, not as where something is ("in Bac Ninh") nor as the whole it is
    one of ("trong số 39 quốc gia"); None when there is none, or when one of `names` (a name the question
    gives, which no glossary line knows) or the city or country (the scope, not a subject) is nearer."""
    if at <= 0:
        return None
    before = lower_text(sentence[:at])
    if _WHOLE_BEFORE.search(before):
        return None
    pattern, by_term = _entity_terms()
    mentions: list[tuple[int, Concept | None]] = [(-1, None)]
    for m in pattern.finditer(before):
        if not _LOCATED_BEFORE.search(before[: m.start()]) and not _LOCATED_AFTER.match(before[m.end() :]):
            mentions.append((m.end(), by_term[m.group(0)]))
    folded = fold(before)
    mentions += [(m.end(), None) for n in names for m in re.finditer(whole_word(fold(n)), folded)]
    _, nearest = max(mentions, key=lambda m: m[0])
    return None if nearest is None or nearest.english[0] in EVERYWHERE else nearest


def older_differing(found: list[Report], other_half: Report | None = None) -> list[Report]:
    """The older reports whose figures differ from the newest one's (the ones an answer names); with the
    other half of a compound question, an older report of that half's figure, or of both, differs in nothing."""
    newest = {f.value for f in found[0].figures} if found else set()
    other = {f.value for f in other_half.figures} if other_half else newest
    return [r for r in found[1:] if {f.value for f in r.figures} not in (newest, other, newest | other)]


def trends(shown: list[Report], number: Callable[[Evidence], int], language: str) -> list[Trend]:
    """One series per measure of the newest report (`shown[0]`): each shown report's figure of that
    measure, at its source's date (an undated one cannot be placed), labelled in the reader's language
    and numbered as the answer cites it. A measure with fewer than two points is no trend."""
    series = []
    for unit in dict.fromkeys(f.unit for f in shown[0].figures if f.unit not in _COMPANIONS) if shown else ():  # no amounts
        points = [
            TrendPoint(r.date, f.value, f.render(language), number(r.evidence))
            for r in shown
            for f in [next((f for f in r.figures if f.unit == unit), None)]
            if f and r.date
        ]
        if len(points) >= 2:
            series.append(Trend(unit, tuple(points)))
    return series
