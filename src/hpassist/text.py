"""Text normalisation shared by keyword search, evidence scoring and citation checks."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

_WORD = re.compile(r"\w+")
# Where a Latin or Vietnamese word ends: no word character follows, save a Korean particle ("FDI는", "Amkor의").
WORD_END = r"(?![^\W\uac00-\ud7a3])"
_HANGUL_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")


def whole_word(term: str) -> str:
    """A regex for `term` as a whole word of a text in any of the three languages: a Korean term anywhere (its
    particles attach to it), any other between non-word characters, where a Korean particle may follow it."""
    return re.escape(term) if _HANGUL_SYLLABLE.search(term) else rf"(?<!\w){re.escape(term)}{WORD_END}"
# A figure as written in the corpus: 15,4 / 14.2 / 6.100 / 1993-2007 / 63,8% ; kept with its digits only.
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ -> d), no-break spaces as spaces, NFC-safe: 'Hải Phòng' -> 'hai phong'.
    Cached: every answer folds the same corpus sentences again, and folding was a fifth of its program time."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d").replace("\xa0", " "))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def years(text: str) -> list[str]:
    """The years named in `text`, in order, once each: 'Giai đoạn 2020–2025' -> ['2020', '2025']."""
    return list(dict.fromkeys(_YEAR.findall(text)))


_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DAY_MONTH = r"\d{1,2}/\d{1,2}(?:/(?:19|20)\d\d)?"
_DATE = re.compile(
    rf"(?<![\d/]){_DAY_MONTH}(?:\s*[–-]\s*{_DAY_MONTH})?(?![\d/])"  # 23/4/2024, 22/4 – 27/4
    rf"|\b(?:{_MONTHS})\s+\d{{1,2}}(?:\s*[–-]\s*\d{{1,2}})?(?:,?\s*(?:19|20)\d\d)?\b"  # May 20, 2025
    rf"|\b\d{{1,2}}(?:\s*[–-]\s*\d{{1,2}})?\s+(?:{_MONTHS})(?:\s+(?:19|20)\d\d)?\b"  # 20 May 2025
    r"|(?:(?:19|20)\d\d년\s*)?\d{1,2}월\s*\d{1,2}일"  # 2024년 4월 22일
    r"|(?<!\d)(?:19|20)\d\d(?:\s*[–-]\s*(?:19|20)\d\d)?(?![\d/])",  # 2008, 2020–2025
    re.IGNORECASE,
)


def dates(text: str) -> list[tuple[str, int]]:
    """The dates, date ranges and years written in `text`, as written, with where each starts."""
    return [(m.group(0), m.start()) for m in _DATE.finditer(text)]


_VI_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?")


# Korean writes a foreign company's name in Hangul by its sound ("Hana Micron" is 하나마이크론, "Samsung Display"
# 삼성디스플레이). Both are compared as consonant skeletons: the Hangul romanised (Revised Romanization), then
# the sounds either script spells differently made one (c/k/g, t/d, p/b/f/v, r/l, j/ch/z), vowels dropped.
_INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_FINALS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "p", "l", "l", "p", "l", "m", "p", "p", "t", "t",
           "ng", "t", "t", "k", "t", "p", "t")
_SOUNDS = str.maketrans({"c": "k", "g": "k", "q": "k", "d": "t", "b": "p", "f": "p", "v": "p", "l": "r", "z": "j"})
_MIN_SKELETON = 5  # shorter skeletons ("Canon": knn) match too many Korean words by chance
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")


def _romanised(hangul: str) -> str:
    """'하나마이크론' -> 'hanamaakaran': each syllable's initial and final consonants, every vowel written 'a'
    (only the consonants are compared)."""
    out = []
    for ch in hangul:
        index = ord(ch) - 0xAC00
        if 0 <= index < 11172:
            out.append(_INITIALS[index // 588] + "a" + _FINALS[index % 28])
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """The consonant skeleton of a name in Latin letters or Hangul: 'Hana Micron' and '하나마이크론' are 'hnmkrn'
    (cached: the gate asks again for the words of every candidate sentence)."""
    latin = fold(text)
    # English spelling only: an r before a consonant is not heard ("Mart" is 마트), x is ks ("Foxconn", 폭스콘)
    latin = re.sub(r"r(?![aeiouy])", "", re.sub(r"[\uac00-\ud7a3]+", " ", latin)).replace("x", "ks")
    latin = re.sub(r"c(?=[eiy])", "s", latin)  # "space" is 스페이스
    hangul = " ".join(_romanised(w) for w in _HANGUL_WORD.findall(text))
    letters = f"{latin} {hangul}".replace("ch", "j").replace("sh", "s").replace("ph", "p").translate(_SOUNDS)
    consonants = re.sub(r"[^a-z]|[aeiouyw]", "", letters)
    return re.sub(r"(.)\1+", r"\1", consonants)


def sound_key(name: str) -> str | None:
    """The skeleton a Hangul spelling of the Latin `name` starts with; None for a name too short to tell
    apart or not in Latin letters."""
    wanted = skeleton(name)
    return wanted if name.isascii() and len(wanted) >= _MIN_SKELETON else None


def hangul_words(text: str) -> list[str]:
    """The runs of Hangul syllables in `text` (a Korean word with its particles)."""
    return _HANGUL_WORD.findall(text)


def names_in_hangul(text: str, name: str) -> bool:
    """Whether `text` writes the Latin `name` in Hangul: a word starting with its skeleton (particles and a
    suffix such as 비나 may follow)."""
    wanted = sound_key(name)
    return bool(wanted) and any(skeleton(word).startswith(wanted) for word in hangul_words(text))


def has_name(folded_text: str, name: str) -> bool:
    """Whether a folded text names `name`: as a whole word as written, or in Hangul by its sound ("Hana Micron",
    하나마이크론)."""
    return re.search(whole_word(fold(name)), folded_text) is not None or names_in_hangul(folded_text, name)


# A Korean article glosses a foreign name once, in brackets: "앰코테크놀로지(Amkor Technology)", "고어텍(Goertek)".
_GLOSSED = re.compile(r"([\uac00-\ud7a3]+)\s*\(([A-Z][A-Za-z0-9&.\-]*(?: [A-Z][A-Za-z0-9&.\-]*)*)\)")


def glossed_names(text: str) -> list[tuple[str, str]]:
    """(Latin name, its Hangul spelling) for each name the text glosses in brackets, when the two start with
    the same sounds: "앰코테크놀로지(Amkor Technology)" is one, "법인(SEV)" or "외국인직접투자(FDI)" (a word and
    its abbreviation) is not. The spelling then names the company in that article's later sentences too."""
    found = []
    for m in _GLOSSED.finditer(text):
        hangul, latin = m.group(1), m.group(2)
        a, b = skeleton(hangul), skeleton(latin)
        if len(a) >= 2 and len(b) >= 2 and a[:2] == b[:2]:
            found.append((latin, hangul))
    return found


def is_vietnamese_syllable(word: str) -> bool:
    """Whether a word can be one Vietnamese syllable ('Trung', 'Đại'); 'Ecovance' or 'Seoul' cannot."""
    return _VI_SYLLABLE.fullmatch(fold(word)) is not None


def words(text: str) -> list[str]:
    """Folded word tokens."""
    return _WORD.findall(fold(text))


_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+|[^\uac00-\ud7a3]+")


def keyword_tokens(text: str) -> list[str]:
    """Tokens for keyword search: folded words, with each run of Hangul syllables cut into overlapping
    syllable pairs (the usual bigram treatment of unsegmented scripts), because Korean attaches particles
    and suffixes to words: "박닌성에는" then shares "박닌" with the term 박닌, and "누적 등록 자본은" its words."""
    tokens = []
    for word in words(text):
        for run in _HANGUL_RUN.findall(word):
            if "\uac00" <= run[0] <= "\ud7a3" and len(run) > 2:
                tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
            else:
                tokens.append(run)
    return tokens


def numbers(text: str) -> list[str]:
    """Canonical numbers in text: '15,4' and '15.4' -> '15.4'; '6.100' and '6,200' (thousands) -> '6100', '6200'."""
    return [canonical_number(m) for m in NUMBER.findall(text)]


def canonical_number(raw: str, decimal_comma: bool = False) -> str:
    """One spelling per value, whether written with a decimal comma, a decimal point or thousands separators.
    With `decimal_comma` (a Vietnamese figure: "21,145 tỷ USD") the comma is the decimal mark even before
    three digits, and the point only groups thousands."""
    if decimal_comma and raw.count(",") == 1:
        whole, decimals = raw.replace(".", "").split(",")
        return f"{whole.lstrip('0') or '0'}.{decimals}"
    parts = re.split(r"[.,]", raw)
    if len(parts) == 1:
        return raw.lstrip("0") or "0"
    if all(len(p) == 3 for p in parts[1:]) and len(parts[0]) <= 3:
        return "".join(parts).lstrip("0") or "0"  # thousands separators: 6.100 / 6,200 / 1.100.000
    whole = "".join(parts[:-1]).lstrip("0") or "0"
    return f"{whole}.{parts[-1]}"


# Scale words only Vietnamese writes: its figures put the decimal comma before them ("21,145 tỷ").
VI_SCALES = frozenset({"nghìn tỷ", "ngàn tỷ", "tỷ", "triệu", "nghìn", "ngàn"})
_SCALES = {
    "nghìn tỷ": 1e12, "ngàn tỷ": 1e12, "nghin ty": 1e12, "trillion": 1e12, "tn": 1e12,
    "billion": 1e9, "bn": 1e9, "tỷ": 1e9, "ty": 1e9, "million": 1e6, "mn": 1e6, "triệu": 1e6, "trieu": 1e6,
    "thousand": 1e3, "nghìn": 1e3, "ngàn": 1e3,
}
_KO_UNITS = {"조": 1e12, "억": 1e8, "만": 1e4}
_KO_SMALL = {"천": 1e3, "백": 1e2}
_DIGITS = r"\d+(?:[.,]\d+)*"
# Korean writes large numbers in groups of 10^4: '2조4000억', '34억7000만', '46억8천만', '6만6000'.
KO_NUMBER = rf"(?:{_DIGITS}\s?[천백]?\s?[조억만])+(?:\s?\d+(?!\s?[천백]?\s?[조억만]))?"
_KO_PIECE = re.compile(rf"({_DIGITS})\s?([천백])?\s?([조억만])?")
_FIGURE = re.compile(
    rf"(?P<ko>{KO_NUMBER})|(?P<num>{_DIGITS})(?:\s*(?P<scale>"
    + "|".join(re.escape(k) for k in sorted(_SCALES, key=len, reverse=True))
    + r")(?![^\W\d_]))?",  # a scale word, not the start of another word ('16 ngành' is not '16 ngàn')
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    """A number as written, its scale applied, with the unit it is stated in (None: no unit word near it)."""

    value: float
    unit: str | None
    start: int = field(default=-1, compare=False)  # where the number starts in the text
    unit_text: str = field(default="", compare=False)  # the unit word after it as written ("KCN", "hectares")


def korean_value(text: str) -> float:
    """A number written in Korean groups of 10^4: '34억7000만' -> 3.47e9."""
    total = 0.0
    for digits, small, big in _KO_PIECE.findall(text):
        total += float(canonical_number(digits)) * _KO_SMALL.get(small, 1.0) * _KO_UNITS.get(big, 1.0)
    return total


@lru_cache(maxsize=1)
def _units() -> dict[str, list[tuple[str, str]]]:
    """The spellings of the units in data/units.tsv by where they stand ("before", "after" the figure, or
    "per": what a price divides by, "đồng/tháng"), longest first, each with its unit."""
    sides: dict[str, list[tuple[str, str]]] = {"before": [], "after": [], "per": []}
    text = resources.files("hpassist").joinpath("data/units.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        unit, side, spellings = line.split("\t")
        sides[side].extend((s.strip().lower(), unit) for s in spellings.split("|") if s.strip())
    return {side: sorted(found, key=lambda pair: -len(pair[0])) for side, found in sides.items()}


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    """Units written before a figure as well ("US$", "₫", "RMB") are currencies: only a price is divided by
    a month, a kWh or a cubic metre."""
    return frozenset(unit for _, unit in _units()["before"])


AREAS = frozenset({"ha", "m2", "km2"})  # units of area, which a price may be per


@lru_cache(maxsize=1)
def _divisors() -> tuple[list[tuple[str, str]], re.Pattern[str]]:
    """The spellings of what a figure can be per (an area, or a "per" unit for a price), longest first, and
    the pattern of one written before it with 당, as Korean writes a price ("㎡당 130달러", "㎾h당 …원")."""
    spellings = sorted(
        [(s, u) for s, u in _units()["after"] if u in AREAS] + _units()["per"], key=lambda pair: -len(pair[0])
    )
    korean = re.compile(rf"({'|'.join(re.escape(s) for s, _ in spellings)})\s*당\s*(?:약\s*)?$", re.IGNORECASE)
    return spellings, korean


def scale_of(word: str) -> float:
    """What a scale word multiplies by ('tỷ', 'billion' -> 1e9); 1 for no scale word."""
    return _SCALES.get(word.lower(), 1.0)


def is_scale(word: str) -> bool:
    """Whether a word only scales a number ('billion', 'tỷ', 'triệu'): no topic of its own."""
    return word.lower() in _SCALES or word in _KO_UNITS


# Units that say how a figure is measured; a question that names one ("in dollars", "bằng USD") asks for it.
_MEASURES = frozenset({"USD", "VND", "KRW", "JPY", "EUR", "CNY", "ha", "m2", "km2", "%", "pp", "TEU", "tonnes"})


@lru_cache(maxsize=1)
def _measure_spellings() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Whole-word patterns of the spellings (three letters or more) of the units in `_MEASURES`."""
    return tuple(
        (re.compile(rf"(?<!\w){re.escape(spelling)}(?!\w)", re.IGNORECASE), unit)
        for spelling, unit in (*_units()["before"], *_units()["after"])
        if unit in _MEASURES and len(spelling) >= 3
    )


def named_measures(text: str) -> set[str]:
    """The units of measure a text names in words of three letters or more ("dollars", "hectares", "USD");
    not a unit that divides ("per square metre", "a square metre", "/m2", "mỗi ha") nor a capitalised name ("Yên Phong")."""
    named = set()
    for pattern, unit in _measure_spellings():
        for m in pattern.finditer(text):
            dividing = re.search(r"(?:\bper|/|\bmỗi|\btrên|\ba)\s*$", text[: m.start()], re.IGNORECASE)
            if not dividing and not m.group(0).istitle():
                named.add(unit)
    return named


def is_unit(word: str) -> bool:
    """Whether a word is a spelling of a unit ('USD', 'KCN', 'TEU'): not a name, though capitalised."""
    return any(word.lower() == spelling for spelling, _ in (*_units()["before"], *_units()["after"]))


def _unit_after(text: str, at: int, spellings: list[tuple[str, str]] | None = None) -> tuple[str | None, int]:
    """The unit whose spelling (of `spellings`, else of any unit written after a figure) starts at text[at:]
    (spaces skipped), and where it ends."""
    rest = text[at:]
    stripped = rest.lstrip(" \xa0")
    offset = at + len(rest) - len(stripped)
    low = stripped.lower()
    for spelling, unit in spellings or _units()["after"]:
        if low.startswith(spelling):
            end = len(spelling)
            if spelling[-1].isalpha() and spelling.isascii() and end < len(low) and (low[end].isalnum()):
                continue  # 'ha' in 'hay', 'm2' only as a word
            return unit, offset + end
    return None, at


def _unit_before(text: str, at: int) -> str | None:
    head = text[:at].rstrip(" \xa0").lower()
    for spelling, unit in _units()["before"]:
        if head.endswith(spelling):
            start = len(head) - len(spelling)
            if spelling[0].isalpha() and start > 0 and head[start - 1].isalnum():
                continue
            return unit
    return None


_RATE = re.compile(r"\s*(?:/|per\s+|a\s+|mỗi\s+|một\s+|trên\s+)", re.IGNORECASE)


def figures(text: str) -> list[Figure]:
    """The figures of `text` with their units: 'US$106 per m²' -> Figure(106.0, 'USD/m2'), 'US$5/m²/month' ->
    Figure(5.0, 'USD/m2/month');
    '1.840 ha' -> Figure(1840.0, 'ha'); '154억 달러' -> Figure(1.54e10, 'USD'); '320' -> Figure(320.0, None)."""
    found = []
    consumed = 0  # the end of the last figure's unit: digits inside 'm2', 'km2' are not figures
    for m in _FIGURE.finditer(text):
        if m.start() < consumed:
            continue
        if m.group("ko"):
            value, end = korean_value(m.group("ko")), m.end()
        else:
            scale = (m.group("scale") or "").lower()
            value = float(canonical_number(m.group("num"), scale in VI_SCALES)) * _SCALES.get(scale, 1.0)
            end = m.end()
        unit, unit_end = _unit_after(text, end)
        if unit is None and end < len(text) and text[end].isascii() and text[end].isalpha():
            continue  # '5G', '2nd': not a figure
        unit = _unit_before(text, m.start()) or unit
        consumed = unit_end
        if unit and unit not in AREAS:
            divisors, korean = _divisors()
            rate = _RATE.match(text, unit_end)
            per, per_end = _unit_after(text, rate.end(), divisors) if rate else (None, 0)
            if per and (per in AREAS or unit in currencies()):  # only a price is per month or per kWh
                unit, consumed = f"{unit}/{per}", per_end
                again = _RATE.match(text, per_end) if per in AREAS else None  # "US$5/m²/month": rent per month
                then, then_end = _unit_after(text, again.end(), divisors) if again else (None, 0)
                if then and then not in AREAS:
                    unit, consumed = f"{unit}/{then}", then_end
            elif unit in currencies() and (before := korean.search(text[: m.start()])):  # "㎡당 130달러"
                unit = f"{unit}/{dict(divisors)[before.group(1).lower()]}"
        written = text[end:unit_end].strip() if unit_end > end else ""
        found.append(Figure(float(f"{value:.9g}"), unit, m.start(), written))
    return found


def quantities(text: str) -> set[float]:
    """Values of the figures in `text`, scale words applied: '15,4 tỷ' and 'US$15.4 billion' -> 1.54e10.

    A bare number stands for itself, so '320' -> 320.0.
    """
    return {f.value for f in figures(text)}


def fits(unit: str | None, asked: tuple[str, ...]) -> bool:
    """Whether a figure's unit answers a question that asks for `asked` (data/asked_figures.tsv): a rate
    answers in its currency ("USD/m2" answers a rent asked in "USD")."""
    return bool(unit) and unit.split("/")[0] in asked


def units_agree(a: str | None, b: str | None) -> bool:
    """Whether two units can describe the same figure: equal, either unknown, or one a rate of the other's
    currency ('USD' and 'USD/m2': an answer may leave out the 'per m²')."""
    if a is None or b is None or a == b:
        return True
    return a.split("/")[0] == b.split("/")[0] and ("/" in a) != ("/" in b)
