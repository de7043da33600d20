"""LangChain interfaces: the assistant as a `Runnable` and the hybrid retriever as a `BaseRetriever`, so a
LangChain user can put HP Assist's grounded answers or its cited passages into a chain of their own."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Union

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import ConfigDict

from .assistant import Assistant
from .condense import History
from .schema import Answer, ScoredChunk

Question = Union[str, Mapping[str, Any]]  # "…?" or {"question": "…?", "history": [(user, assistant), …]}


def _unpack(question: Question) -> tuple[str, History | None]:
    """The question text and the earlier turns of a Runnable's input; a clear error for anything else."""
    if isinstance(question, str):
        return question, None
    if isinstance(question, Mapping) and isinstance(question.get("question"), str):
        history = question.get("history")
        return question["question"], [tuple(turn) for turn in history] if history else None
    raise TypeError('input must be a question string or {"question": str, "history": [(user, assistant), ...]}')


class AssistantRunnable(Runnable[Question, Answer]):
    """`Assistant.ask` as a Runnable: invoke → Answer; stream → text deltas, then the Answer; batch runs the
    questions one after another (one local model answers one question at a time)."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def invoke(self, input: Question, config: RunnableConfig | None = None, **kwargs: Any) -> Answer:
        return self._call_with_config(lambda q: self.assistant.ask(*_unpack(q)), input, config, run_type="chain")

    def stream(self, input: Question, config: RunnableConfig | None = None, **kwargs: Any) -> Iterator[str | Answer]:
        yield from self.assistant.stream(*_unpack(input))

    def batch(
        self,
        inputs: list[Question],
        config: RunnableConfig | list[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[Answer | Exception]:
        configs = config if isinstance(config, list) else [config] * len(inputs)
        answers: list[Answer | Exception] = []
        for question, one in zip(inputs, configs, strict=True):
            try:
                answers.append(self.invoke(question, one))
            except Exception as exc:
                if not return_exceptions:
                    raise
                answers.append(exc)
        return answers


def as_document(scored: ScoredChunk) -> Document:
    """A retrieved chunk as a LangChain Document carrying what a citation needs (source, title, date, offsets)."""
    chunk = scored.chunk
    metadata = {
        "id": chunk.id, "source": chunk.source, "title": chunk.title, "date": chunk.date,
        "language": chunk.language, "start": chunk.start, "end": chunk.end, "score": scored.score,
    }
    return Document(page_content=chunk.text, metadata=metadata, id=chunk.id)


class HybridRetriever(BaseRetriever):
    """HP Assist's hybrid search (dense + BM25, reranked by each chunk's best sentence) as a BaseRetriever."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Assistant
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [as_document(c) for c in self.assistant.retrieve(query, k=self.k)]

