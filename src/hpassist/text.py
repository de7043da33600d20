"""Text normalisation shared by keyword search, evidence scoring and citation checks."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+")
# A figure as written in the corpus: 15,4 / 14.2 / 6.100 / 1993-2007 / 63,8% ; kept with its digits only.
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ -> d), no-break spaces as spaces, NFC-safe: 'Hải Phòng' -> 'hai phong'."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d").replace("\xa0", " "))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def years(text: str) -> list[str]:
    """The years named in `text`, in order, once each: 'Giai đoạn 2020–2025' -> ['2020', '2025']."""
    return list(dict.fromkeys(_YEAR.findall(text)))


def words(text: str) -> list[str]:
    """Folded word tokens."""
    return _WORD.findall(fold(text))


def numbers(text: str) -> list[str]:
    """Canonical numbers in text: '15,4' and '15.4' -> '15.4'; '6.100' and '6,200' (thousands) -> '6100', '6200'."""
    return [canonical_number(m) for m in _NUMBER.findall(text)]


def canonical_number(raw: str) -> str:
    """One spelling per value, whether written with a decimal comma, a decimal point or thousands separators."""
    parts = re.split(r"[.,]", raw)
    if len(parts) == 1:
        return raw.lstrip("0") or "0"
    if all(len(p) == 3 for p in parts[1:]) and len(parts[0]) <= 3:
        return "".join(parts).lstrip("0") or "0"  # thousands separators: 6.100 / 6,200 / 1.100.000
    whole = "".join(parts[:-1]).lstrip("0") or "0"
    return f"{whole}.{parts[-1]}"


_SCALES = {
    "billion": 1e9, "bn": 1e9, "tỷ": 1e9, "ty": 1e9, "million": 1e6, "mn": 1e6, "triệu": 1e6, "trieu": 1e6,
    "thousand": 1e3, "nghìn": 1e3, "ngàn": 1e3, "억": 1e8, "조": 1e12, "만": 1e4, "천": 1e3,
}
_QUANTITY = re.compile(r"(\d+(?:[.,]\d+)*)\s*(" + "|".join(sorted(_SCALES, key=len, reverse=True)) + r")?(?![a-z])", re.IGNORECASE)


def quantities(text: str) -> set[float]:
    """Values of the figures in `text`, scale words applied: '15,4 tỷ' and 'US$15.4 billion' -> 1.54e10.

    A bare number stands for itself, so '320' -> 320.0.
    """
    values = set()
    for number, scale in _QUANTITY.findall(text):
        value = float(canonical_number(number))
        values.add(float(f"{value * _SCALES.get(scale.lower(), 1.0):.9g}"))
    return values
