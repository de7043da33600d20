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

_EN_WORDS = frozenset(
    "the a an is are was were be been what who whom whose how which when where why does did do has have had of in on"
    " and to for with by from at that this it its".split()
)

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
    # Vietnamese letters in names ("What is Lê Anh Quân's position?") say nothing of the language around them:
    # words written in lower case count, and names only in a text with no English function word.
    words = re.findall(r"[^\W\d_]+", text)
    lower = sum(len(_VIET.findall(word)) for word in words if word[0].islower())
    if lower >= max(1, latin_letters * 0.03) or _VI_WORDS.search(fold(text)):
        return "vi"
    if len(_VIET.findall(text)) >= max(1, latin_letters * 0.03) and not any(w.lower() in _EN_WORDS for w in words):
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
