"""All settings in one object; every field can be overridden by an HPASSIST_* environment variable."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_ROOT = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_ROOT.parent.parent


def _default_prompts() -> Path:
    """The repository's prompts/ when run from a checkout, else the copy installed inside the package."""
    checkout = REPO_ROOT / "prompts"
    return checkout if checkout.is_dir() else PACKAGE_ROOT / "prompt_files"


def _default_corpus() -> list[Path]:
    seeds = REPO_ROOT / "seeds"
    return [seeds] if seeds.is_dir() else []


class Settings(BaseSettings):
    """HP Assist configuration. Example: HPASSIST_DATA_DIR=/srv/hpassist HPASSIST_LLM=openai."""

    model_config = SettingsConfigDict(env_prefix="HPASSIST_", env_nested_delimiter="__", extra="ignore")

    # Where things live
    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir("hpassist", appauthor=False)))
    corpus_dirs: list[Path] = Field(default_factory=_default_corpus)
    prompts_dir: Path = Field(default_factory=_default_prompts)
    collection: str = "hpassist"

    # Chunking
    chunk_tokens: int = 200
    max_file_bytes: int = 20_000_000

    # Retrieval
    dense_k: int = 12
    bm25_k: int = 12
    rrf_k: int = 60
    top_chunks: int = 8

    # Evidence and refusal
    evidence_sentences: int = 4  # at most this many sentences go to the model …
    evidence_token_budget: int = 340  # … within this many tiktoken tokens (long Vietnamese sentences cost ~100 each)
    min_similarity: float = 0.80  # a supporting sentence must be at least this close to the question
    min_similarity_unchecked: float = 0.87  # ...when none of the question's terms can be checked by keyword
    # ...and this close when it names a name the question gives (a company): e5 scores an English question
    # and its Korean answer ~0.77-0.80 (Bắc Ninh: Hana Micron's figures), the name says what it is about
    min_similarity_named: float = 0.75
    support_similarity: float = 0.83  # an answer sentence without figures must be this close to its evidence

    # Question limits
    max_question_tokens: int = 120
    max_question_chars: int = 4_000

    # LLM
    llm: Literal["local", "openai"] = "local"
    model_sha256: str = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"  # the bundled GGUF
    model_path: Path | None = None  # a GGUF of your own instead of the bundled one
    model_path_sha256: str | None = None  # its SHA-256, checked before loading when given
    models_dir: Path | None = None  # where the bundled model is joined (None: <data_dir>/models); data dirs may share one
    n_threads: int = 2
    n_ctx: int = 1024
    max_tokens: int = 96
    temperature: float = 0.0
    answer_cache_mb: int = 64  # the local model keeps recent answers' states (~5 MB each): a repeated question skips its prompt
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_model: str = "local"
    openai_api_key: str = Field(default="", repr=False)
    llm_timeout: float = 60.0

    # Vector store
    chroma_url: str | None = None  # e.g. http://127.0.0.1:8001 ; None = embedded on disk

    # Web chat
    host: str = "127.0.0.1"
    port: int = 7860
    share: bool = False
    auth: str | None = Field(default=None, repr=False)  # "user:password"
    concurrency: int = 1
    max_queue: int = 32

    # Documents tab of the web chat. "manage": upload and remove documents; "list": see them only; "off": no
    # tab; "auto": manage behind a login (auth) or on a loopback address that is not shared, else list.
    documents: Literal["auto", "manage", "list", "off"] = "auto"
    max_upload_files: int = 20  # files per upload
    max_upload_bytes: int = 20_000_000  # per file; Gradio itself refuses bodies over 4x this

    @field_validator("auth")
    @classmethod
    def _auth_is_user_password(cls, value: str | None) -> str | None:
        if value is not None and (":" not in value or not value.split(":", 1)[0] or not value.split(":", 1)[1]):
            raise ValueError("HPASSIST_AUTH must look like user:password")
        return value

    @cached_property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @cached_property
    def model_dir(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    @cached_property
    def uploads_dir(self) -> Path:
        """The managed folder that documents added in the web chat are kept in."""
        return self.data_dir / "uploads"

    @property
    def document_paths(self) -> list[Path]:
        """Every folder the index is kept in step with: the corpus folders and the uploads folder."""
        return [*self.corpus_dirs, *([self.uploads_dir] if self.uploads_dir.is_dir() else [])]

    @property
    def manages_documents(self) -> bool:
        """Whether web chat users may upload and remove documents (see `documents`)."""
        if self.documents == "auto":
            loopback = self.host in ("127.0.0.1", "localhost", "::1")
            return bool(self.auth) or (loopback and not self.share)
        return self.documents == "manage"
