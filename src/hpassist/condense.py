"""Follow-up questions ("and how many projects?") become standalone questions before retrieval.

The chat model rewrites the follow-up with the earlier question (prompts/condense.txt). A small model
often drops or invents terms, so the rewrite is kept only when it stays in the follow-up's language and
keeps the glossary concepts of both questions; otherwise the two questions are simply searched together.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from .domain import EVERYWHERE, glossary, not_names
from .generation import GenerationError, Generator
from .language import SUPPORTED, detect_language
from .llm import ModelUnavailable
from .prompts import messages, template
from .query import Query, QuestionError, asked_name, name_spans, parse_query
from .restate import is_office
from .settings import Settings
from .text import fold, words

log = logging.getLogger(__name__)
History = Sequence[tuple[str, str]]


_CUE = re.compile(
    r"^\s*(and|also|what about|how about|then|so|và|còn|thế còn|vậy|thế|그럼|그리고|그러면|또|또한|그렇다면)\b",
    re.IGNORECASE,
)
# Words that point back at something said before: "that growth", "their area", "dự án đó", "그 회사".
_ANAPHORA = re.compile(
    r"\b(that|those|it|its|they|their|them|he|she|his|her|đó|ấy|họ|khi đó|lúc đó)\b|(?<![\w])(그|해당)\s|그것|그곳|그때|거기",
    re.IGNORECASE,
)


# Words by which a question asks something of its own ("how many", "when", "gì", "어떤"); the cues
# "what about", "thì sao" ask the earlier question again about something else, so they are removed first.
_ASKING = re.compile(
    r"\b(what|which|who|whom|whose|when|where|why|how|gi|nao|ai|dau|bao nhieu|bao gio|khi nao|tai sao|vi sao)\b"
    r"|무엇|뭐|어떤|어느|누구|누가|언제|어디|얼마|몇|왜|어떻게"
)
_AGAIN = re.compile(r"\b(what about|how about|what of|thi sao)\b|는요|은요|요\?")


def asks_own(query: Query) -> bool:
    """Whether the question asks something of its own ("and their total area?", "그럼 어떤 분야에…?"),
    not only the earlier question again about something else ("and Japan?", "còn năm 2024 thì sao?")."""
    kind = query.asks_quantity or query.asks_units or query.asks_date
    return bool(kind or _ASKING.search(_AGAIN.sub(" ", fold(query.text))))


def _kind(query: Query) -> tuple:
    """What a question asks for: a quantity (in which units), a date, a name (of which kind)."""
    return query.asks_quantity, query.asks_units, query.asks_date, query.asks_name[0] if query.asks_name else None


def is_follow_up(query: Query, history: History | None) -> bool:
    """After earlier turns, a question leans on them when it cannot stand alone: it opens with a cue
    ("and…", "còn…", "그럼…") without both naming a subject and asking something of its own ("그럼 한국
    투자는 어떤 분야에…?" stands alone), points back ("that growth", "dự án đó"), or names no subject of its
    own (no country, place, organisation or person: "how many projects?"). Being short is not enough:
    "Hải Phòng có bao nhiêu khu công nghiệp?" names its subject and stands alone."""
    if not history:
        return False
    if _ANAPHORA.search(query.text):
        return True
    own_subject = query.names or [e for e in query.entities if e not in EVERYWHERE]
    if _CUE.search(query.text):  # "and …" leans on the earlier turn unless it names and asks its own
        return not (own_subject and asks_own(query))
    if _AGAIN.search(fold(query.text)) and not asks_own(query):  # "일본은요?", "Japan, thì sao?"
        return True
    return not query.names and not query.entities


# What a follow-up points back at: the person an earlier "who" question was answered with ("he", "his", "ông
# ấy", "그는": Korean 그 before a particle), or the company or organisation a "which company" question was
# answered with ("it", "its", "công ty đó", "그 회사").
_POINTERS = {
    "person": re.compile(
        r"\b(?:he|she|him|his|her)\b|\b(?:ông|bà|anh|chị)\s+ấy\b|그녀|(?<![\w])그(?=는|가|의|를|에게|도|와)",
        re.IGNORECASE,
    ),
    "name": re.compile(
        r"\b(?:it|its)\b|\bnó\b|\b(?:tập đoàn|công ty|doanh nghiệp|tổ chức|đơn vị)\s+(?:đó|này|ấy)\b"
        r"|그\s*(?:회사|기업|그룹|기관|단체)",
        re.IGNORECASE,
    ),
}
_POSSESSIVE = {"his", "her", "its"}
_QUOTE = re.compile(r"“[^”]*”|\"[^\"]*\"")


def answered_name(question: str, answer: str) -> str | None:
    """The name an earlier answer gave its "who / which company" question, outside its quotes ("The source
    names: Lê Anh Quân (…)"): for a person two to four capitalised words, no office, no glossary term; for a
    company or organisation a name the question did not give, no country or place. None for other questions."""
    asked = asked_name(question)
    if asked is None or asked[0] not in _POINTERS:
        return None
    text = _QUOTE.sub(" . ", answer).replace(":", ",")  # "names: Lê Anh Quân" does not open a sentence
    for name, _, _ in name_spans(text, (), evidence=True):
        parts = name.split()
        while parts and fold(parts[0]).strip(".") in not_names():  # "Mr Seog Myeong Gug"
            parts.pop(0)
        name = " ".join(parts)
        if not name or is_office(name):
            continue
        concepts = [c for c in glossary() if c.found_in(name)]
        if asked[0] == "person" and 2 <= len(parts) <= 4 and not concepts:
            return name
        given = set(words(name)) <= set(words(question))
        if asked[0] == "name" and not given and not any(c.kind in ("country", "place") for c in concepts):
            return name
    return None


def resolved(question: str, turn: tuple[str, str]) -> str | None:
    """The follow-up with what it points back at named ("What is his position?" -> "What is Lê Anh Quân's
    position?", "ask it to invest" -> "ask SKC to invest"), from the turn before it; None when it points at
    nothing that turn named."""
    asked = asked_name(turn[0])
    pointer = _POINTERS.get(asked[0]) if asked else None
    if pointer is None or not pointer.search(question):
        return None
    name = answered_name(*turn)
    if name is None:
        return None
    return pointer.sub(lambda m: f"{name}'s" if m.group(0).lower() in _POSSESSIVE else name, question, count=1)


def _entity_terms(query: Query) -> list:
    """The question's entity concepts other than the city every document is about."""
    return [c for c in query.all_concepts if c.entity]


def _moved_to(follow_up: Query, earlier: Query) -> tuple[list, list]:
    """(the earlier question's entities the follow-up replaces, the follow-up's own): "and Japan?" after a
    question about Korea asks about Japan instead, never about Korea."""
    new = [c for c in _entity_terms(follow_up) if c not in earlier.all_concepts]
    old = [c for c in _entity_terms(earlier) if c not in follow_up.all_concepts] if new else []
    # "And the Japanese one?" replaces the earlier country (Korea), not the organisation beside it.
    same_kind = [c for c in old if c.kind and c.kind == new[0].kind]
    return same_kind or old, new


class Condenser:
    """Turns a follow-up into the question to search for."""

    def __init__(self, settings: Settings, generator: Generator | None) -> None:
        self.settings = settings
        self.generator = generator

    def _parse(self, text: str) -> Query:
        return parse_query(text, self.settings.max_question_tokens * 2, self.settings.max_question_chars)

    def joined(self, query: Query, previous: str) -> Query:
        """The earlier question and the follow-up, searched together; an entity the follow-up moves to
        replaces the earlier one in the earlier question's words."""
        earlier = self._parse(previous)
        for year in earlier.years if query.years else ():  # "Còn năm 2024?" asks the earlier question of 2024
            if year not in query.years:
                previous = re.sub(rf"(?<!\d){year}(?!\d)", query.years[0], previous)
        old, new = _moved_to(query, earlier)
        if old and new:
            surface = next((m.group(0) for t in new[0].terms for m in [_find(query.text, t)] if m), new[0].english[0])
            for concept in old:
                for term in sorted(concept.terms, key=len, reverse=True):
                    previous = re.sub(_term_pattern(term), surface, previous, flags=re.IGNORECASE)
        merged = self._parse(f"{previous} {query.text}")
        own = _own_kind(query) if asks_own(query) else {}
        return Query(**{**merged.__dict__, **own, **_own_period(query), "language": query.language})

    def anchor(self, history: History) -> str | None:
        """What a follow-up leans on: the latest earlier question that stands alone, with the follow-ups
        asked after it (never a chain of raw follow-ups before it); None when the last turn is unreadable."""
        questions = [q for q, _ in history]
        for i in range(len(questions) - 1, -1, -1):
            try:
                parsed = self._parse(questions[i])
            except QuestionError:  # an unreadable turn (empty, emoji): nothing before it is leaned on
                return " ".join(questions[i + 1 :]) or None
            if not is_follow_up(parsed, history[:i]):
                return " ".join(self._named(history, i))
        return " ".join(self._named(history, 0))

    @staticmethod
    def _named(history: History, first: int) -> list[str]:
        """The questions from `first` on, each follow-up with what it points back at named."""
        return [q if j == first else resolved(q, history[j - 1]) or q for j, (q, _) in enumerate(history) if j >= first]

    def standalone(self, query: Query, history: History | None) -> Query:
        """The question to search for: the follow-up rewritten if plausible, else joined to what it leans on."""
        if not is_follow_up(query, history):
            return query
        named = resolved(query.text, history[-1])
        if named:  # "he" is the person the last answer named: the question stands alone with the name
            try:
                return Query(**{**self._parse(named).__dict__, "language": query.language})
            except QuestionError:
                pass
        previous = self.anchor(history)
        if previous is None:
            return query
        earlier = self._parse(previous)
        if self._refused(history[-1][1]) and _moves_on(query, earlier):
            return query
        rewrite = self._rewrite(query.text, previous)
        if rewrite and self._plausible(rewrite, query, earlier):
            return Query(**{**rewrite.__dict__, "language": query.language})
        return self.joined(query, previous)

    def _refused(self, answer: str) -> bool:
        """Whether an earlier answer was a refusal, in any of the languages answers are written in."""
        return any(answer.startswith(messages(self.settings.prompts_dir, lang)["refusal"]) for lang in SUPPORTED)

    def _rewrite(self, question: str, previous: str) -> Query | None:
        if self.generator is None:
            return None
        prompt = template(self.settings.prompts_dir, "condense").format(previous=previous, question=question)
        try:
            text = self.generator.complete_text(prompt, max_tokens=48).strip().splitlines()[0].strip(' "“”')
            return self._parse(text)
        except (GenerationError, ModelUnavailable, QuestionError, IndexError) as exc:
            log.info("follow-up rewrite unavailable: %s", exc)
            return None

    @staticmethod
    def _plausible(rewrite: Query, follow_up: Query, previous: Query) -> bool:
        """Same language as the follow-up, every concept of both questions kept (an entity the follow-up
        moves to replaces the earlier one, which must then be gone)."""
        old, _ = _moved_to(follow_up, previous)
        needed = {c.english[0] for c in (*follow_up.all_concepts, *previous.concepts) if c not in old}
        kept = {c.english[0] for c in rewrite.all_concepts}
        dropped = not any(c in rewrite.all_concepts for c in old)
        too_long = len(rewrite.text) > 2 * (len(follow_up.text) + len(previous.text))
        # It asks what the follow-up asks ("when was that?" stays a "when" question), and is not the
        # earlier question again.
        same_ask = _kind(rewrite) == _kind(follow_up if asks_own(follow_up) else previous)
        repeated = fold(rewrite.text) == fold(previous.text)
        period = not follow_up.years or set(rewrite.years) == set(follow_up.years)
        return (
            period
            and detect_language(rewrite.text) == follow_up.language
            and needed <= kept
            and dropped
            and not too_long
            and same_ask
            and not repeated
        )


def _own_kind(query: Query) -> dict:
    """The fields of a follow-up that say what it asks, which the question searched for keeps."""
    return {"asks_quantity": query.asks_quantity, "asks_units": query.asks_units, "asks_date": query.asks_date,
            "asks_name": query.asks_name}


def _moves_on(query: Query, earlier: Query) -> bool:
    """After a refusal, whether the follow-up asks a topic of its own rather than more of the refused
    question: it names a thing and what of it is asked ("그럼 산업단지 입주율은요?": two topics, none of
    the earlier ones), and the earlier question had no subject of its own for it to inherit ("and how
    many projects?" after Japan's refused total is still about Japan; "and the area?" about the city)."""
    topics = {c.english[0] for c in query.concepts if not c.entity}
    subject = [e for e in earlier.entities if e not in EVERYWHERE] or earlier.names
    return len(topics) >= 2 and not topics & {c.english[0] for c in earlier.concepts} and not subject


def _own_period(query: Query) -> dict:
    """A follow-up that names a year asks about that year ("Còn năm 2024?" after a 2025 question)."""
    return {"years": query.years} if query.years else {}


def _term_pattern(term: str) -> str:
    return re.escape(term) if re.search(r"[\uac00-\ud7a3]", term) else rf"(?<!\w){re.escape(term)}(?!\w)"


def _find(text: str, term: str) -> re.Match[str] | None:
    return re.search(_term_pattern(term), text, flags=re.IGNORECASE)
