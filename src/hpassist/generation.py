"""Turn the selected evidence into a short prompt and stream the chat model's reply."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from .prompts import messages as phrases
from .prompts import template
from .schema import Evidence

_LINE_BREAKS = re.compile(r"\s*\n\s*")


class GenerationError(RuntimeError):
    """The chat model failed (down, timed out, refused the request); the message says which."""


class Generator:
    """Builds the grounded prompt and streams the model's answer."""

    def __init__(self, chat_model: BaseChatModel, prompts_dir: Path) -> None:
        self.chat_model = chat_model
        self.prompts_dir = prompts_dir

    def prompt(self, question: str, language: str, evidence: list[Evidence]) -> list[BaseMessage]:
        """System rules + numbered facts + the question."""
        language_name = phrases(self.prompts_dir, language)["language_name"]
        facts = "\n".join(  # one line per fact: a list sentence's items joined ("aims to: become …; grow …")
            f"[{n}] ({ev.sentence.date or 'undated'}) {_LINE_BREAKS.sub(' ', ev.sentence.text)}" for n, ev in enumerate(evidence, start=1)
        )
        return [
            SystemMessage(self._system(language)),
            HumanMessage(
                template(self.prompts_dir, "answer_user").format(
                    facts=facts, question=question, language_name=language_name
                )
            ),
        ]

    def _system(self, language: str) -> str:
        """The system prompt written in the answer's language (English when there is none)."""
        name = f"answer_system.{language}"
        return template(self.prompts_dir, name if (self.prompts_dir / f"{name}.txt").exists() else "answer_system.en")

    def stream(self, prompt: list[BaseMessage]) -> Iterator[str]:
        """Text deltas of the reply; backend failures become GenerationError."""
        try:
            for chunk in self.chat_model.stream(prompt):
                if chunk.content:
                    yield str(chunk.content)
        except GenerationError:
            raise
        except Exception as exc:  # connection refused, timeout, HTTP errors, llama.cpp failures
            raise GenerationError(f"{type(exc).__name__}: {exc}".strip()[:300]) from exc

    def complete(self, prompt: list[BaseMessage]) -> str:
        return "".join(self.stream(prompt))

    def complete_text(self, instruction: str, max_tokens: int) -> str:
        """A short reply to a single user instruction (used to rewrite follow-up questions)."""
        try:
            reply = self.chat_model.invoke([HumanMessage(instruction)], max_tokens=max_tokens)
        except Exception as exc:  # same failure modes as stream()
            raise GenerationError(f"{type(exc).__name__}: {exc}".strip()[:300]) from exc
        return str(reply.content)
