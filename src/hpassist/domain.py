"""The domain pack: what HP Assist knows about its domain, as data in `hpassist/data/`, each file loaded once.

The glossary (one idea in English, Vietnamese and Korean), stop words, person titles and words that are no
names live here; the other data files (units, periods, part openers, question words, restate templates) are
read through `lines()` by the step that uses them; the hand-set weights of the answer path, each with a note
of what it does and on which data it was chosen, are in data/weights.toml (`weight()`).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .text import fold

_WORD = re.compile(r"\w+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")

# What every document is about: no topic to offer, no name to state.
EVERYWHERE = frozenset({"Hai Phong", "Vietnam"})


def lines(name: str) -> list[str]:
    """The lines of data file `name` that say something: not blank, not a '#' comment (right side kept as is)."""
    text = resources.files("hpassist").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _weights() -> dict[str, dict[str, int | float]]:
    return tomllib.loads(resources.files("hpassist").joinpath("data/weights.toml").read_text(encoding="utf-8"))


def weight(step: str, name: str) -> int | float:
    """A hand-set weight or threshold of one step of the answer path (data/weights.toml says why)."""
    return _weights()[step][name]


def lower_text(text: str) -> str:
    """Lower-cased, NFC, no-break spaces as spaces ("phụ tùng\xa0ô tô"): how glossary terms are matched."""
    return unicodedata.normalize("NFC", text.lower()).replace("\xa0", " ")


def vocabulary(lowered: str) -> frozenset[str]:
    """The words of a `lower_text` text, for `Concept.found_in_lowered`."""
    return frozenset(_WORD.findall(lowered))


def _contains(text: str, term: str) -> bool:
    """Whether `term` occurs in `text` as whole words (Korean: anywhere, as particles attach to it). The plain
    substring test first rules out most absent terms at a fraction of the regex's cost on a long text."""
    if term not in text:
        return False
    return bool(_HANGUL.search(term)) or re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text) is not None


@dataclass(frozen=True)
class Concept:
    """A glossary line: one idea in English, Vietnamese and Korean."""

    english: tuple[str, ...]
    vietnamese: tuple[str, ...]
    korean: tuple[str, ...]
    entity: bool = False  # a country, place, organisation or company, which the answer must name

    @property
    def terms(self) -> tuple[str, ...]:
        """All synonyms, lower-cased (diacritics kept: folded Vietnamese confuses lương and lượng)."""
        return tuple(t.lower() for t in (*self.english, *self.vietnamese, *self.korean))

    def found_in(self, text: str, loose: bool = False) -> bool:
        """Whether a synonym occurs in `text`; `loose` also accepts Vietnamese typed without diacritics."""
        if self.found_in_lowered(lower_text(text)):
            return True
        return loose and any(_contains(fold(text), fold(t)) for t in self.vietnamese)

    def found_in_lowered(self, lowered: str, vocabulary: frozenset[str] | None = None) -> bool:
        """`found_in` for text already passed through `lower_text`. With `vocabulary` (the set of its words), a
        term with a word the text lacks is ruled out without scanning it: a whole corpus is long."""
        return any(
            (vocabulary is None or _HANGUL.search(t) or all(w in vocabulary for w in _WORD.findall(t)))
            and _contains(lowered, t)
            for t in self.terms
        )


@lru_cache(maxsize=1)
def glossary() -> tuple[Concept, ...]:
    """data/glossary.tsv: `english | … ; vietnamese | … ; korean | …` per line, '@' before an entity."""
    concepts = []
    for line in lines("glossary.tsv"):
        entity = line.startswith("@")
        en, vi, ko = (tuple(t.strip() for t in part.split("|") if t.strip()) for part in line.lstrip("@").split(";"))
        concepts.append(Concept(en, vi, ko, entity))
    return tuple(concepts)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Folded words too common to say what a question or a sentence is about: data/stopwords.txt."""
    return frozenset(w for line in lines("stopwords.txt") for w in line.split())


@lru_cache(maxsize=1)
def person_titles() -> tuple[str, ...]:
    """Folded words that introduce a person's name ("ông", "đồng chí", "mr"): data/person_titles.txt."""
    return tuple(line.strip() for line in lines("person_titles.txt"))


@lru_cache(maxsize=1)
def not_names() -> frozenset[str]:
    """Folded words that are no names by themselves (titles, company forms): data/not_names.txt."""
    return frozenset(w for line in lines("not_names.txt") for w in line.split())
