"""The Python API: `Assistant().ask(question)` answers from the indexed corpus through the one Pipeline."""

from __future__ import annotations

from collections.abc import Iterator

from .condense import History
from .documents import load_paths
from .embeddings import E5Embeddings
from .evidence import by_best_sentence
from .generation import Generator
from .index import Index, SyncReport
from .llm import make_chat_model
from .pipeline import Pipeline
from .schema import Answer, ScoredChunk
from .settings import Settings


class Assistant:
    """Answers questions about Hải Phòng from the indexed corpus, with verified citations."""

    def __init__(self, settings: Settings | None = None, chat_model=None, sync: bool = True) -> None:
        self.settings = settings or Settings()
        self.embedder = E5Embeddings(threads=self.settings.n_threads)
        self.index = Index(self.settings, self.embedder)
        if sync:
            self.sync()
        self._chat_model = chat_model
        self._generator: Generator | None = None
        self.pipeline = Pipeline(self.settings, self.index, lambda: self.generator)

    # ----- corpus ---------------------------------------------------------------------------
    def sync(self, progress=None) -> SyncReport:
        """Add or update the documents of the corpus folders and of the uploads folder (only changed ones
        are embedded). Documents indexed from other paths with `hpassist index PATH` are kept; that
        command prunes."""
        results = load_paths(self.settings.document_paths, self.settings.max_file_bytes)
        return self.index.sync([r.document for r in results if r.document], progress=progress, prune=False)

    def retrieve(self, query: str, k: int = 5) -> list[ScoredChunk]:
        """The top-k chunks for a query (no model): hybrid candidates reranked by their best sentence."""
        retrieval = self.pipeline.retriever.search(self.pipeline.parse(query))
        return by_best_sentence(retrieval.chunks, self.pipeline.selector.rank(retrieval))[:k]

    def as_runnable(self):
        """This assistant as a LangChain Runnable (invoke / stream / batch), see hpassist.runnables."""
        from .runnables import AssistantRunnable

        return AssistantRunnable(self)

    def as_retriever(self, k: int = 5):
        """Its hybrid retriever as a LangChain BaseRetriever returning cited Documents."""
        from .runnables import HybridRetriever

        return HybridRetriever(assistant=self, k=k)

    @property
    def generator(self) -> Generator:
        """The chat model behind a prompt builder, loaded on first use (raises ModelUnavailable)."""
        if self._generator is None:
            self._generator = Generator(self._chat_model or make_chat_model(self.settings), self.settings.prompts_dir)
        return self._generator

    # ----- answering ------------------------------------------------------------------------
    def ask(self, question: str, history: History | None = None) -> Answer:
        """Answer one question; `history` holds earlier (user, assistant) turns for follow-ups."""
        answer = None
        for event in self.stream(question, history):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def stream(self, question: str, history: History | None = None) -> Iterator[str | Answer]:
        """Yield text deltas as verified sentences become available, then the final Answer."""
        return self.pipeline.run(question, history)
