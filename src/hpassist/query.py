"""Understand a question before searching: validate it, detect its language, and expand its key terms.

Expansion uses a small cross-lingual glossary (data/glossary.tsv) so that an English or Korean question
can be matched by keyword against Vietnamese sources, and so the refusal gate can check coverage.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .domain import Concept, glossary, korean_words, lines, not_names, stopwords
from .language import SUPPORTED, detect_language
from .text import fold, named_measures, whole_word, words, years
from .tokens import count_tokens, truncate_tokens

_QUANTITY = re.compile(
    r"\b(how much|how many|how large|how big|what percentage|what share|what amount|what sum|rates?|percent(?:age)?|total|bao nhieu"
    r"|ty le|thue suat|lai suat|bao lon)\b|얼마|몇|규모|비율|세율|투자액|금액|수를|수는|수가|개수"
    # "What are the area and the population …?": a figure's noun after "what is the" asks for the figure
    r"|\bwhat (?:is|are|was|were) the (?:\w+ ){0,2}(?:area|population|size|number|value|amount|capital|output|revenue)\b",
)

_WHEN = re.compile(
    r"\b(when|what date|which dates?|which days?|what day|what year|which year|khi nao|bao gio|ngay nao|ngay bao nhieu"
    r"|nam nao)\b|언제|며칠|날짜|몇 년도"
)

# "currently", "latest", "hiện nay", "현재": the newest source should win, as for figures.
_NOW = re.compile(r"\b(now|current|currently|latest|today|hien nay|hien tai|moi nhat|bay gio)\b|현재|최근|최신|지금")

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# The words for a province or district, which name the place after them even in lower case ("huyện Lương Tài").
_PLACE_WORDS = ("tinh", "huyen")


class QuestionError(ValueError):
    """The question cannot be answered as given; `message` is safe to show the user."""


@dataclass(frozen=True)
class Query:
    """A validated question ready for retrieval."""

    text: str
    language: str
    key_terms: tuple[str, ...]  # folded content words not covered by a concept (Korean words apart: they
    # can only be found in Korean sources, so they must not decide whether the corpus holds an answer)
    names: tuple[str, ...]  # capitalised names in the question that no concept covers ("Lee Kyung Hee")
    concepts: tuple[Concept, ...]  # glossary concepts the question mentions, less those every source shares
    all_concepts: tuple[Concept, ...]  # every glossary concept the question mentions but the city itself
    keywords: str  # text for keyword search: the question plus synonyms of its concepts
    pivot: str  # the concepts spelled in Vietnamese and English, for a second dense probe
    asks_quantity: bool
    entities: tuple[str, ...] = ()  # the countries, places and organisations it names, the city included
    asks_date: bool = False  # "when", "on which dates", "khi nào", "언제"
    asks_current: bool = False  # "currently", "latest", "hiện nay", "현재"
    korean_terms: tuple[str, ...] = ()  # a Korean question's content words without their particles, to rank Korean sentences
    asks_units: tuple[str, ...] = ()  # units a figure must have to answer it (a price: a currency), data/asked_figures.tsv
    years: tuple[str, ...] = ()  # years the question names ("in 2024", "4/2024"): it asks about that time
    asks_name: tuple[str, str] | None = None  # how it asks for a name ("person", "who"), see asked_name
    truncated: bool = False


def spelling_pattern(term: str) -> str:
    """A data file's question words as a pattern: whole words (Korean as a substring; "'s position" right
    after a word); "A … B" is A, up to two words, then B ("how many … projects")."""
    body = r"(?:\s+\S+){0,2}\s+".join(re.escape(part.strip()) for part in term.split("…"))
    if _HANGUL.search(term):
        return body
    return rf"(?<!\w){body}(?!\w)" if re.match(r"\w", term) else rf"{body}(?!\w)"  # "'s position" follows a word


@lru_cache(maxsize=1)
def _asked_figures() -> tuple[tuple[tuple[str, ...], bool, re.Pattern[str]], ...]:
    """(units, asks by itself, pattern of the question words) per line of data/asked_figures.tsv."""
    kinds = []
    for line in lines("asked_figures.tsv"):
        _kind, units, alone, spellings = line.split("\t")
        alternatives = [spelling_pattern(w) for w in filter(None, (w.strip().lower() for w in spellings.split("|")))]
        kinds.append((tuple(u.strip() for u in units.split(",")), alone == "yes", re.compile("|".join(alternatives))))
    return tuple(kinds)


def quantities_asked(text: str) -> int:
    """How many figures a question asks for: "tổng diện tích bao nhiêu và bình quân mỗi khu rộng bao nhiêu" asks two."""
    return len(_QUANTITY.findall(fold(text)))


def asked_units(text: str, asks_quantity: bool) -> tuple[str, ...]:
    """The units that can answer the question: a currency for a price or wage, percent for a rate or share,
    hectares for an area in a "how much / how many" question; () when any figure will do. Units the
    question names itself overrule a vaguer word: "how big is the stock, in dollars" asks for no area."""
    kinds = asked_kinds(text, asks_quantity)
    return kinds[0] if kinds else ()


def asked_kinds(text: str, asks_quantity: bool) -> list[tuple[str, ...]]:
    """Every kind of figure the question asks for, as `asked_units` finds the first: "What are the area and the
    population …?" asks for an area and a number of people."""
    lowered = unicodedata.normalize("NFC", text.lower())
    named = named_measures(text)
    return [
        units
        for units, alone, pattern in _asked_figures()
        if not (named and not named & set(units)) and (alone or asks_quantity) and pattern.search(lowered)
    ]


@lru_cache(maxsize=1)
def _name_words() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(kind, pattern) per line of data/asked_names.tsv (spellings as in `spelling_pattern`)."""
    kinds = []
    for line in lines("asked_names.tsv"):
        kind, spellings = line.split("\t")
        alternatives = [spelling_pattern(w) for w in filter(None, (w.strip().lower() for w in spellings.split("|")))]
        kinds.append((kind, re.compile("|".join(alternatives))))
    return tuple(kinds)


def asked_name(question: str) -> tuple[str, str] | None:
    """(kind, words) by which a question asks for a name: ("person", "who"), ("name", "công ty nào"),
    or None when it asks for none (data/asked_names.tsv)."""
    lowered = unicodedata.normalize("NFC", question.lower())
    for kind, pattern in _name_words():
        match = pattern.search(lowered)
        if match:
            return kind, match.group(0)
    return None


# Concepts every document shares: they help search but prove nothing about coverage.
_GENERIC = {"Hai Phong", "Vietnam", "Korea"}


_QUOTED = re.compile(r"[\"“”]([^\"“”]{3,60})[\"“”]")
# A word (an apostrophe inside it, "O'Neil", but not a possessive: "Innotek's Hai Duong plant" names
# Innotek, then Hai Duong), a possessive, or punctuation.
_WORD = r"[^\W_](?:[\w&-]|['’](?![sS]\b))*|['’][sS]\b"
_TOKEN = re.compile(rf"{_WORD}|[.?!:;,()]")
_EVIDENCE_TOKEN = re.compile(rf"{_WORD}|[.?!:;,()–—]|(?<=\s)-(?=\s)")  # a dash ends a name: "Lê Trung Kiên – Trưởng ban"


def name_spans(text: str, concepts: tuple[Concept, ...], evidence: bool = False) -> list[tuple[str, int, int]]:
    """(name, start, end) of the quoted titles and runs of capitalised words in `text` that no glossary
    concept covers, in order. A sentence's first word is capitalised by grammar, not because it is a name:
    it is skipped; a capitalised common word continues a run ("Thuận Thành III": "thành" alone is a
    common word). In `evidence` (a source sentence, not a question) glossary terms stay inside a run
    ("Hai Phong Economic Zone Authority"), any capitalised word continues one ("Đình Vũ – Cát Hải"), and
    one opens before another capitalised word ("Seog Myeong Gug, …", "Hai Phong …")."""
    spans = [(m.group(1).strip(), m.start(1), m.end(1)) for m in _QUOTED.finditer(text)]
    masked = _QUOTED.sub(lambda m: "." + " " * (len(m.group(0)) - 1), text)
    if not evidence:
        for term in sorted((t for c in concepts for t in c.terms), key=len, reverse=True):
            pattern = whole_word(term)
            masked = re.sub(pattern, lambda m: "," * len(m.group(0)), masked, flags=re.IGNORECASE)
    tokens = [*(_EVIDENCE_TOKEN if evidence else _TOKEN).finditer(masked)]

    def upper_at(i: int) -> bool:
        return i < len(tokens) and tokens[i].group(0)[0].isupper()

    def capital(i: int) -> bool:
        return upper_at(i) and fold(tokens[i].group(0)) not in stopwords()

    def titled(word: str) -> bool:
        return fold(word) in not_names()

    run: list[re.Match[str]] = []
    previous = "."
    for i, token in enumerate([*tokens, None]):
        word = token.group(0) if token else "."
        upper = word[0].isupper()
        opens = previous in ".?!:"
        if evidence and upper:  # continues a run; opens one before another capitalised word
            follows = i + 1 < len(tokens) and tokens[i + 1].group(0)[0].isupper()
            joins = bool(run) or (capital(i + 1) if opens else follows)
        else:  # a question's first word opens a name only before another capitalised word ("Lee Kyung Hee는 …")
            joins = upper and opens and fold(word) not in stopwords() and (capital(i + 1) or (titled(word) and upper_at(i + 1)))
        # After a title or the word for a district, common syllables are a name: "huyện Lương Tài".
        after_title = titled(previous) and (previous[0].isupper() or fold(previous) in _PLACE_WORDS)
        # Mid-sentence, capitalised words side by side (a space apart, not across a dash: "Việt – Hàn" is two
        # countries) are a name though each is a common syllable: "Đà Nẵng".
        paired = not evidence and upper_at(i + 1) and not masked[token.end() : tokens[i + 1].start()].strip()
        if upper and (joins or (not opens and (bool(run) or after_title or paired or fold(word) not in stopwords()))):
            run.append(token)
        elif run:
            spans.append((text[run[0].start() : run[-1].end()], run[0].start(), run[-1].end()))
            run = []
        previous = word
    return _across_places(text, sorted(spans, key=lambda span: span[1]), concepts)


def _across_places(text: str, spans: list[tuple[str, int, int]], concepts: tuple[Concept, ...]) -> list[tuple[str, int, int]]:
    """Names that hold a place the glossary knows are one name: "VSIP" + "Bac Ninh" + "II" is "VSIP Bac Ninh II"."""
    places = {fold(t) for c in concepts if c.kind == "place" for t in c.terms}
    merged: list[tuple[str, int, int]] = []
    for name, start, end in spans:
        if merged and fold(text[merged[-1][2] : start]).strip() in places and text[merged[-1][2] : start].strip():
            start = merged.pop()[1]
            name = text[start:end]
        merged.append((name, start, end))
    return merged


def _names(text: str, concepts: tuple[Concept, ...]) -> list[str]:
    """The question's names (see `name_spans`), quoted titles first; single short words are no names."""
    spans = [(_bare_name(n), start, end) for n, start, end in name_spans(text, concepts)]
    quoted = [n for n, start, _ in spans if start > 0 and text[start - 1] in "\"“”"]
    found = quoted + [n for n, _, _ in spans if n not in quoted]
    return list(dict.fromkeys(n for n in found if " " in n or len(n) >= 4))


def _bare_name(name: str) -> str:
    """A name without the possessive or the Korean particle written onto it ("Lê Anh Quân's",
    "Lee Kyung Hee는" -> the name)."""
    parts = name.split()
    while len(parts) > 1 and fold(parts[0]) in not_names():  # "Ông Phạm Tiến Vân", "Mr Kim Jae Won"
        parts.pop(0)
    name = " ".join(parts)
    return re.sub(r"(?:['’]s|(?<=[^\W\d_])[\uac00-\ud7a3]+)$", "", name) if not _HANGUL.match(name) else name


def _clean(question: str) -> str:
    """Drop control and invalid characters, collapse whitespace."""
    chars = (c for c in question if unicodedata.category(c)[0] != "C" or c in "\n\t")
    return re.sub(r"\s+", " ", "".join(chars)).strip()


def korean_word(token: str) -> str | None:
    """The content word of a Korean token ("생산능력은" -> "생산능력", "근로자들의" -> "근로자"), or None for a
    verb or question form ("얼마입니까"), a stop word, or less than two syllables."""
    word = re.sub(r"^\W+|\W+$", "", token)
    if not re.fullmatch(r"\d*[\uac00-\ud7a3]+", word):
        return None
    particles, endings, frame = korean_words()
    if word.endswith(endings) or (len(word) == 2 and word.endswith("는")):  # 얻는, 있는: a verb before a noun
        return None
    for _ in range(2):  # a particle, then the plural before it: 근로자들의 -> 근로자들 -> 근로자
        word = next((word[: -len(p)] for p in particles if word.endswith(p) and len(word) - len(p) >= 2), word)
    return word if len(word) >= 2 and word not in frame and word not in stopwords() else None


def parse_query(question: str | bytes, max_tokens: int, max_chars: int) -> Query:
    """Validate and analyse a question; raise QuestionError with a user-facing message when unusable."""
    if isinstance(question, bytes):
        question = question.decode("utf-8", errors="replace")
    if not isinstance(question, str):
        raise QuestionError("Please ask your question as text.")
    text = _clean(question[: max_chars * 4].replace("\ufffd", " "))
    truncated = False
    if len(text) > max_chars or count_tokens(text) > max_tokens:
        text = truncate_tokens(text[:max_chars], max_tokens).strip()
        truncated = True
    if not re.search(r"\w{2,}", text) or not re.search(r"[^\W\d_]", text):
        raise QuestionError(
            "Please type a question in words, for example: How much has Korea invested in Hải Phòng?"
        )
    language = detect_language(text)
    if language not in SUPPORTED:
        raise QuestionError(
            "Sorry, HP Assist answers questions in English, Vietnamese or Korean. "
            "Xin vui lòng hỏi bằng tiếng Anh, tiếng Việt hoặc tiếng Hàn. 영어, 베트남어 또는 한국어로 질문해 주세요."
        )
    concepts = tuple(c for c in glossary() if c.found_in(text, loose=True))
    covered = {w for c in concepts for t in c.terms for w in words(t)}
    key_terms = tuple(
        dict.fromkeys(
            w
            for w in words(text)
            if w not in stopwords() and w not in covered and len(w) > 1 and not w.isdigit() and not _HANGUL.search(w)
        )
    )
    names = tuple(_names(text, concepts))
    korean_terms = tuple(
        dict.fromkeys(t for w in text.split() if (t := korean_word(w)) and not any(t.startswith(c) for c in covered))
    )
    synonyms = " ".join(t for c in concepts for t in (*c.english, *c.vietnamese, *c.korean))
    pivot = " ".join(c.vietnamese[0] for c in concepts) + " / " + " ".join(c.english[0] for c in concepts)
    return Query(
        text=text,
        language=language,
        key_terms=key_terms,
        names=names,
        concepts=tuple(c for c in concepts if c.english[0] not in _GENERIC),
        all_concepts=tuple(c for c in concepts if c.english[0] != "Hai Phong"),
        keywords=f"{text} {synonyms}",
        pivot=pivot.strip(),
        asks_quantity=bool(_QUANTITY.search(fold(text))),
        entities=tuple(c.english[0] for c in concepts if c.entity),
        asks_date=bool(_WHEN.search(fold(text))),
        asks_current=bool(_NOW.search(fold(text))),
        korean_terms=korean_terms,
        asks_units=asked_units(text, bool(_QUANTITY.search(fold(text)))),
        years=tuple(years(text)),
        asks_name=asked_name(text),
        truncated=truncated,
    )
