"""The model process: llama.cpp loaded in a child of HP Assist, answering JSON-line requests on a pipe.

A native fault in llama.cpp (a SIGSEGV in a CPU kernel, as AMX builds raise on some Intel CPUs) kills
this process only: `model_process.ModelProcess` sees the pipe close, degrades that one answer and starts
a fresh worker. Run by the parent as `python -m hpassist.model_worker --model PATH ...`; requests come on
stdin, replies go to the original stdout (native code that prints is sent to stderr, the worker log).

Requests: {"id", "op": "chat", "messages", "max_tokens", "temperature", "stop"} streams {"id", "delta"}
lines then {"id", "done", "usage", "timing"}; {"op": "tokenize", "text"} returns {"id", "tokens"};
{"op": "info"} returns the runtime report. A failure inside Python answers {"id", "error"}.
"""

from __future__ import annotations

import argparse
import ctypes
import faulthandler
import hashlib
import json
import os
import re
import sys
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

# Feature names llama.cpp's CPU backend reports when its AMX kernels were compiled in.
_AMX_FEATURE = re.compile(r"\bAMX\w*\s*=\s*1")
_BUFFER_LINE = re.compile(r"^\s*(?:load_tensors:)?\s*([\w-]+) model buffer size")
_WARN, _ERROR = 3, 4  # ggml_log_level


def amx_compiled(system_info: str) -> bool:
    """Whether the loaded CPU backend was built with AMX kernels (compile-time flags, any CPU)."""
    return bool(_AMX_FEATURE.search(system_info))


def use_extra_buffer_types(system_info: str) -> bool:
    """llama.cpp's extra buffer types hold AMX (and repacked) weights; AMX matmuls run only on weights
    placed there. Keep them off whenever the runtime has AMX kernels, so its crashing path is never used."""
    return not amx_compiled(system_info)


class Runtime:
    """The loaded model plus what the runtime guard decided, saved prompt-prefix states, and the states of
    recent answers (`answer_cache_bytes` of them, least recently used out first)."""

    def __init__(self, model_path: str, n_ctx: int, n_threads: int, answer_cache_bytes: int = 0) -> None:
        import llama_cpp
        import llama_cpp.llama_cpp as lib

        self._lib = lib
        self.buffer_types: list[str] = []
        self._log_callback = lib.llama_log_callback(self._on_log)  # kept referenced: C holds the pointer
        lib.llama_log_set(self._log_callback, ctypes.c_void_p(0))
        self.system_info = lib.llama_print_system_info().decode("utf-8", "replace")
        self.extra_buffer_types = use_extra_buffer_types(self.system_info)
        started = time.perf_counter()
        with _default_model_params(lib, use_extra_bufts=self.extra_buffer_types):
            self.llama = llama_cpp.Llama(model_path=model_path, n_ctx=n_ctx, n_threads=n_threads, verbose=False)
        self.load_s = time.perf_counter() - started
        self._chatml = "<|im_start|>" in str(self.llama.metadata.get("tokenizer.chat_template", ""))
        self._prefixes: dict[tuple[int, ...], bytes] = {}
        self.prefix_hits = 0
        self._answers: OrderedDict[str, tuple[list[int], bytes]] = OrderedDict()
        self.answer_cache_bytes = answer_cache_bytes
        self.answer_hits = 0

    def _on_log(self, level: int, text: bytes, _user_data: Any) -> None:
        line = text.decode("utf-8", "replace")
        match = _BUFFER_LINE.match(line)
        if match:
            self.buffer_types.append(match.group(1))
        if level in (_WARN, _ERROR):  # the worker log keeps warnings and errors, not the load chatter
            sys.stderr.write(line)

    def info(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "system_info": self.system_info.strip(),
            "amx_compiled": amx_compiled(self.system_info),
            "extra_buffer_types": self.extra_buffer_types,
            "model_buffer_types": sorted(set(self.buffer_types)),
            "load_s": round(self.load_s, 3),
            "prefix_states": len(self._prefixes),
            "prefix_hits": self.prefix_hits,
            "answer_states": len(self._answers),
            "answer_hits": self.answer_hits,
        }

    def tokenize(self, text: str) -> list[int]:
        return self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def _use_prefix(self, messages: list[dict[str, str]]) -> None:
        """Put the KV cache at the end of the system turn, restoring a saved state when another prompt
        (the follow-up rewrite, another language) has overwritten it; computed and saved on first use.
        llama-cpp-python's own prefix match then evaluates only the rest of the prompt."""
        if not self._chatml or not messages or messages[0]["role"] != "system":
            return
        prefix = self.tokenize(f"<|im_start|>system\n{messages[0]['content']}<|im_end|>\n")
        llama, k = self.llama, len(prefix)
        if llama.n_tokens >= k and list(llama.input_ids[:k]) == prefix:
            return
        state = self._prefixes.get(tuple(prefix))
        if state is None:
            llama.reset()
            llama.eval(prefix)
            self._prefixes[tuple(prefix)] = self._state()
            return
        self._restore(prefix, state)
        self.prefix_hits += 1

    def _resume(self, key: str) -> bool:
        """Put the KV cache where an earlier answer to the same messages left it: the prompt is then not read
        again (a question asked before, such as the web chat's examples, costs only its generation)."""
        if key not in self._answers:
            return False
        self._answers.move_to_end(key)
        self._restore(*self._answers[key])
        self.answer_hits += 1
        return True

    def _remember(self, key: str) -> None:
        """Keep the state of the answer just given (prompt and reply tokens), within the cache's size."""
        tokens = [int(t) for t in self.llama.input_ids[: self.llama.n_tokens]]
        state = self._state()
        if len(state) > self.answer_cache_bytes:
            return
        self._answers.pop(key, None)
        self._answers[key] = (tokens, state)
        while sum(len(s) for _, s in self._answers.values()) > self.answer_cache_bytes:
            self._answers.popitem(last=False)

    def _state(self) -> bytes:
        """The context's KV state, as llama.cpp serialises it (a few MB for a prompt of a few hundred tokens)."""
        ctx = self.llama._ctx.ctx
        size = self._lib.llama_state_get_size(ctx)
        buffer = (ctypes.c_uint8 * size)()
        written = self._lib.llama_state_get_data(ctx, buffer, size)
        return ctypes.string_at(buffer, written)

    def _restore(self, tokens: list[int], state: bytes) -> None:
        """Load a saved state and tell llama-cpp-python which tokens it holds, so that its own prefix match
        evaluates only what follows them."""
        buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
        self._lib.llama_state_set_data(self.llama._ctx.ctx, buffer, len(state))
        self.llama.input_ids[: len(tokens)] = tokens
        self.llama.n_tokens = len(tokens)

    def chat(self, request: dict[str, Any]) -> Iterator[dict[str, Any]]:
        messages = request["messages"]
        started = time.perf_counter()
        key = hashlib.sha256(json.dumps(messages, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
        if not (self.answer_cache_bytes and self._resume(key)):
            self._use_prefix(messages)
        first = None
        pieces = 0
        stream = self.llama.create_chat_completion(
            messages=messages,
            max_tokens=int(request.get("max_tokens", 96)),
            temperature=float(request.get("temperature", 0.0)),
            stop=list(request.get("stop") or []),
            stream=True,
        )
        for part in stream:
            delta = part["choices"][0]["delta"].get("content")
            if delta:
                first = first or time.perf_counter()
                pieces += 1
                yield {"delta": delta}
        perf = self._lib.llama_perf_context(self.llama._ctx.ctx)
        done = time.perf_counter()
        if self.answer_cache_bytes:
            self._remember(key)
        yield {
            "done": True,
            "usage": {"prompt_tokens": int(perf.n_p_eval), "completion_tokens": int(perf.n_eval)},
            "timing": {
                "first_s": round((first or done) - started, 4),
                "total_s": round(done - started, 4),
                "prompt_eval_ms": round(perf.t_p_eval_ms, 2),
                "eval_ms": round(perf.t_eval_ms, 2),
                "prompt_eval_tokens": int(perf.n_p_eval),
                "eval_tokens": int(perf.n_eval),
            },
        }
        self._lib.llama_perf_context_reset(self.llama._ctx.ctx)


@contextmanager
def _default_model_params(lib: Any, use_extra_bufts: bool) -> Iterator[None]:
    """`Llama()` takes llama.cpp's default model params and exposes no switch for extra buffer types:
    wrap the default for the duration of the load (this process loads one model, on one thread)."""
    original = lib.llama_model_default_params

    def patched() -> Any:
        params = original()
        params.use_extra_bufts = use_extra_bufts
        return params

    lib.llama_model_default_params = patched
    try:
        yield
    finally:
        lib.llama_model_default_params = original


def _reply(out: TextIO, request_id: Any, payload: dict[str, Any]) -> None:
    out.write(json.dumps({"id": request_id, **payload}, ensure_ascii=False) + "\n")
    out.flush()


def serve(runtime: Runtime, requests: TextIO, out: TextIO) -> None:
    """Answer requests until stdin closes (the parent has gone or asked the worker to stop)."""
    for line in requests:
        if not line.strip():
            continue
        request_id = None
        try:
            request = json.loads(line)
            request_id = request.get("id")
            op = request.get("op")
            if op == "chat":
                for message in runtime.chat(request):
                    _reply(out, request_id, message)
            elif op == "tokenize":
                _reply(out, request_id, {"tokens": len(runtime.tokenize(str(request["text"])))})
            elif op == "info":
                _reply(out, request_id, runtime.info())
            else:
                _reply(out, request_id, {"error": f"unknown op {op!r}"})
        except Exception as exc:  # a bad request or a Python-level llama.cpp error: report, keep serving
            _reply(out, request_id, {"error": f"{type(exc).__name__}: {exc}"[:500]})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hpassist.model_worker")
    parser.add_argument("--model", required=True)
    parser.add_argument("--n-ctx", type=int, default=1024)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--answer-cache-mb", type=int, default=0, help="states of recent answers kept (0: none)")
    args = parser.parse_args(argv)
    faulthandler.enable(file=sys.stderr)  # a native fault leaves its stack in the worker log
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints cannot corrupt the protocol
    sys.stdout = sys.stderr
    try:
        runtime = Runtime(args.model, args.n_ctx, args.threads, args.answer_cache_mb << 20)
    except Exception as exc:
        _reply(out, None, {"error": f"the model could not be loaded: {type(exc).__name__}: {exc}"[:500]})
        return 1
    _reply(out, None, {"ready": True, **runtime.info()})
    serve(runtime, sys.stdin, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
