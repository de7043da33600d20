"""Follow-up questions ("and how many projects?") become standalone questions before retrieval.

The chat model rewrites the follow-up with the earlier question (prompts/condense.txt). A small model
often drops or invents terms, so the rewrite is kept only when it stays in the follow-up's language and
keeps the glossary concepts of both questions; otherwise the two questions are simply searched together.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from .generation import GenerationError, Generator
from .language import detect_language
from .llm import ModelUnavailable
from .prompts import template
from .query import Query, QuestionError, parse_query
from .settings import Settings

log = logging.getLogger(__name__)
History = Sequence[tuple[str, str]]
_FOLLOW_UP_WORDS = 8


_CUE = re.compile(
    r"^\s*(and|also|what about|how about|then|so|và|còn|thế còn|vậy|thế|그럼|그리고|그러면|또|또한|그렇다면)\b",
    re.IGNORECASE,
)


def is_follow_up(query: Query, history: History | None) -> bool:
    """After earlier turns, a question leans on them when it opens with a cue ("and…", "còn…", "그럼…"),
    or is short and names no country, place, organisation or person of its own."""
    if not history:
        return False
    if _CUE.search(query.text):
        return True
    short = len(query.text) <= 25 if query.language == "ko" else len(query.text.split()) <= _FOLLOW_UP_WORDS
    return short and not query.names and not any(c.entity for c in query.all_concepts)


class Condenser:
    """Turns a follow-up into the question to search for."""

    def __init__(self, settings: Settings, generator: Generator | None) -> None:
        self.settings = settings
        self.generator = generator

    def _parse(self, text: str) -> Query:
        return parse_query(text, self.settings.max_question_tokens * 2, self.settings.max_question_chars)

    def joined(self, query: Query, previous: str) -> Query:
        """The earlier question and the follow-up, searched together."""
        merged = self._parse(f"{previous} {query.text}")
        return Query(**{**merged.__dict__, "language": query.language})

    def standalone(self, query: Query, history: History | None) -> Query:
        """The question to search for: the follow-up rewritten if plausible, else joined to its predecessor."""
        if not is_follow_up(query, history):
            return query
        previous = history[-1][0]
        try:
            earlier = self._parse(previous)
        except QuestionError:  # the earlier turn was itself unreadable (empty, emoji): nothing to lean on
            return query
        rewrite = self._rewrite(query.text, previous)
        if rewrite and self._plausible(rewrite, query, earlier):
            return Query(**{**rewrite.__dict__, "language": query.language})
        return self.joined(query, previous)

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
        """Same language as the follow-up, and every concept of both questions kept."""
        needed = {c.english[0] for c in (*follow_up.all_concepts, *previous.concepts)}
        kept = {c.english[0] for c in rewrite.all_concepts}
        too_long = len(rewrite.text) > 2 * (len(follow_up.text) + len(previous.text))
        return detect_language(rewrite.text) == follow_up.language and needed <= kept and not too_long
