"""The tests' scripted chat models (one replies from a list, one repeats its first fact) and one fake embedder
(the real embedded model and e5 are exercised by the integration tier: test_end_to_end.py and every test on
the seed index)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field


class ScriptedChatModel(BaseChatModel):
    """Replies from a list, in order, and records every prompt it is given; with no reply left it answers ''."""

    replies: list[str] = Field(default_factory=list)
    prompts: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        self.prompts.append(list(messages))
        reply = self.replies.pop(0) if self.replies else ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply))])


class EchoFirstFact(BaseChatModel):
    """Answers with fact [1] of its prompt, word for word (stateless, so safe across sessions)."""

    @property
    def _llm_type(self) -> str:
        return "echo-first-fact"

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        prompt = "\n".join(str(m.content) for m in messages)
        fact = re.search(r"^\[1\] \([^)]*\) (.+)$", prompt, re.MULTILINE)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=fact.group(1) if fact else ""))])


class FakeEmbedder:
    """Deterministic stand-in for E5Embeddings in unit tests: hashed character trigrams, unit length. Texts that
    share most of their letters are close, others are not; no model is loaded. Tests of what the real model
    judges (a paraphrase across languages) use E5Embeddings and are integration tests."""

    dimensions = 256

    def passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray([self._vector(t) for t in texts], dtype=np.float32)

    queries = passages

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimensions, dtype=np.float32)
        folded = f"  {text.casefold()}  "
        for i in range(len(folded) - 2):
            digest = hashlib.blake2b(folded[i : i + 3].encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % self.dimensions] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector
