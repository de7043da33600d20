"""Which language a text is in, from its script and Vietnamese diacritics (no model, no network)."""

from __future__ import annotations

import re

from .text import fold

HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")  # syllables and jamo
_LATIN = re.compile(r"[A-Za-zÀ-ɏḀ-ỿ]")
# The letters of each script a text may be dominated by, as Unicode ranges.
_SCRIPTS = {
    "ko": HANGUL,
    "ja": re.compile(r"[\u3040-\u30ff]"),  # kana
    "zh": re.compile(r"[\u4e00-\u9fff]"),  # Han, also written in Japanese
    "th": re.compile(r"[\u0e00-\u0e7f]"),
    "ru": re.compile(r"[\u0400-\u04ff]"),  # Cyrillic
    "ar": re.compile(r"[\u0600-\u06ff]"),
    "latin": _LATIN,
}
# Letters that only Vietnamese uses among the languages we meet (horn, breve, stroke, dot below...).
_VIET = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
_VI_WORDS = re.compile(r"\b(khong|cua|nhu the nao|bao nhieu|la gi|o dau|nam nao|va|duoc|nhung|cac)\b")

SUPPORTED = ("en", "vi", "ko")


def detect_language(text: str) -> str:
    """Return an ISO 639-1 code for the dominant script/language of `text` ("und" when unknown)."""
    counts = {script: len(letters.findall(text)) for script, letters in _SCRIPTS.items()}
    if counts["ja"] and counts["ja"] + counts["zh"] >= counts["ko"]:
        counts["ja"] += counts["zh"]
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        return "und"
    if best != "latin":
        return best
    latin_letters = counts["latin"]
    viet = len(_VIET.findall(text))
    if viet >= max(1, latin_letters * 0.03):
        return "vi"
    if _VI_WORDS.search(fold(text)):
        return "vi"
    return "en"


def written_in(text: str, language: str) -> bool:
    """Whether a generated sentence is mostly in `language` (figures and copied names tolerated)."""
    letters = _LATIN.findall(text) + HANGUL.findall(text)
    if not letters:
        return True
    if language == "ko":
        return len(HANGUL.findall(text)) >= 0.3 * len(letters)
    if HANGUL.search(text):
        return False
    tokens = [t for t in re.findall(r"[^\W\d_]+", text)]
    viet_words = sum(1 for t in tokens if _VIET.search(t))
    if language == "vi":
        return detect_language(text) == "vi"
    return viet_words <= 0.25 * max(1, len(tokens))
