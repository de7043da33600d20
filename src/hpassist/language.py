"""Which language a text is in, from its script and Vietnamese diacritics (no model, no network)."""

from __future__ import annotations

import re
import unicodedata

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-zÀ-ɏḀ-ỿ]")
# Letters that only Vietnamese uses among the languages we meet (horn, breve, stroke, dot below...).
_VIET = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
_VI_WORDS = re.compile(r"\b(khong|cua|nhu the nao|bao nhieu|la gi|o dau|nam nao|va|duoc|nhung|cac)\b")

SUPPORTED = ("en", "vi", "ko")


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).replace("đ", "d")


def detect_language(text: str) -> str:
    """Return an ISO 639-1 code for the dominant script/language of `text` ("und" when unknown)."""
    counts = {
        "ko": len(_HANGUL.findall(text)),
        "ja": len(_KANA.findall(text)),
        "zh": len(_HAN.findall(text)),
        "th": len(_THAI.findall(text)),
        "ru": len(_CYRILLIC.findall(text)),
        "ar": len(_ARABIC.findall(text)),
        "latin": len(_LATIN.findall(text)),
    }
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
    if _VI_WORDS.search(_strip_marks(text.lower())):
        return "vi"
    return "en"


def written_in(text: str, language: str) -> bool:
    """Whether a generated sentence is mostly in `language` (figures and copied names tolerated)."""
    letters = _LATIN.findall(text) + _HANGUL.findall(text)
    if not letters:
        return True
    if language == "ko":
        return len(_HANGUL.findall(text)) >= 0.3 * len(letters)
    if _HANGUL.search(text):
        return False
    tokens = [t for t in re.findall(r"[^\W\d_]+", text)]
    viet_words = sum(1 for t in tokens if _VIET.search(t))
    if language == "vi":
        return detect_language(text) == "vi"
    return viet_words <= 0.25 * max(1, len(tokens))
