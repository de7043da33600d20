"""The model runtime against raw llama.cpp on the same prompts, measured in the same run.

The product's prompts (built by its own pipeline for eval questions) are answered twice:
- raw: `llama_cpp.Llama` in this process, the KV cache reset before each prompt, no worker, no pipe;
- product: the supervised worker process, with a follow-up-rewrite-like call in between each time (it
  overwrites the KV cache, as in a conversation), so the saved system-prompt state must be restored.
Ratios of the two hold on a busy machine where the absolute figures do not.
"""

from __future__ import annotations

from typing import Any

from hpassist.evaluation import EvalCase
from hpassist.schema import Answer

from .measure import clock, peak_rss_mib_of, summary
from .probe import retrieval_cases, spread

# A user-only prompt of the condense step's shape, sent between the measured prompts.
_INTERLEAVED = "Rewrite the follow-up question as one complete question: 'and how many projects?'"


def product_prompt(assistant: Any, case: EvalCase) -> list[Any] | None:
    """The messages the product sends the model for this question, or None when it refuses."""
    query = assistant.pipeline.parse(case.question)
    gathered = assistant.pipeline.gather(query)
    if not gathered.decision.answerable:
        return None
    return assistant.generator.prompt(query.text, query.language, gathered.facts)


def _raw_call(llama: Any, messages: list[dict[str, str]], max_tokens: int) -> dict[str, float]:
    import llama_cpp.llama_cpp as lib

    llama.reset()
    lib.llama_perf_context_reset(llama._ctx.ctx)
    start = clock()
    first = None
    for part in llama.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=0.0, stream=True):
        if part["choices"][0]["delta"].get("content"):
            first = first or clock()
    total = clock() - start
    perf = lib.llama_perf_context(llama._ctx.ctx)
    return {"ttft_s": (first or clock()) - start, "total_s": total,
            "prompt_tokens": perf.n_p_eval, "prompt_ms": perf.t_p_eval_ms,
            "gen_tokens": perf.n_eval, "gen_ms": perf.t_eval_ms}


def _overwrite_cache(chat: Any) -> None:
    """A short call of another shape, as the follow-up rewrite makes: llama.cpp's automatic prefix reuse
    then finds nothing of the next prompt in its KV cache."""
    from langchain_core.messages import HumanMessage

    chat.invoke([HumanMessage(_INTERLEAVED)], max_tokens=8)


def _product_call(chat: Any, messages: list[Any]) -> dict[str, float]:
    _overwrite_cache(chat)
    start = clock()
    first = None
    for chunk in chat.stream(messages):
        if chunk.content:
            first = first or clock()
    total = clock() - start
    t = chat.last_timing
    return {"ttft_s": (first or clock()) - start, "total_s": total,
            "prompt_tokens": t["prompt_eval_tokens"], "prompt_ms": t["prompt_eval_ms"],
            "gen_tokens": t["eval_tokens"], "gen_ms": t["eval_ms"]}


def _rates(rows: list[dict[str, float]]) -> dict[str, Any]:
    prompt_ms = sum(r["prompt_ms"] for r in rows)
    gen_ms = sum(r["gen_ms"] for r in rows)
    return {
        "ttft_s": summary([r["ttft_s"] for r in rows]),
        "total_s": summary([r["total_s"] for r in rows]),
        "prompt_tokens": summary([r["prompt_tokens"] for r in rows]),
        "prompt_tok_s": sum(r["prompt_tokens"] for r in rows) / prompt_ms * 1000 if prompt_ms else None,
        "gen_tok_s": sum(r["gen_tokens"] for r in rows) / gen_ms * 1000 if gen_ms else None,
    }


def bench_runtime(assistant: Any, cases: list[EvalCase], n: int) -> dict[str, Any]:
    """Raw llama.cpp vs the product's worker on the product's prompts for n questions, plus each
    question's full answer (first verified text, total) against the raw model time on its prompt."""
    from llama_cpp import Llama

    from hpassist.llm import _role

    chat = assistant.generator.chat_model
    if not hasattr(chat, "process"):
        return {"skipped": "the runtime baseline needs the embedded model"}
    settings = assistant.settings
    raw = Llama(model_path=chat.model_path, n_ctx=settings.n_ctx, n_threads=settings.n_threads, verbose=False)
    rows = []
    try:
        for case in spread(retrieval_cases(cases), n * 2):
            if len(rows) == n:
                break
            messages = product_prompt(assistant, case)
            if messages is None:
                continue
            _overwrite_cache(chat)  # the answer must not find its own prompt cached by an earlier call
            start = clock()
            first = None
            for event in assistant.stream(case.question):
                if not isinstance(event, Answer) and first is None:
                    first = clock()
            answer = {"first_text_s": (first or clock()) - start, "total_s": clock() - start}
            plain = [{"role": _role(m), "content": str(m.content)} for m in messages]
            rows.append({"id": case.id, "answer": answer, "product": _product_call(chat, messages),
                         "raw": _raw_call(raw, plain, settings.max_tokens)})
    finally:
        raw.close()
    out: dict[str, Any] = {"questions": len(rows), "rows": rows,
                           "raw": _rates([r["raw"] for r in rows]), "product": _rates([r["product"] for r in rows]),
                           "answer_first_text_s": summary([r["answer"]["first_text_s"] for r in rows]),
                           "answer_total_s": summary([r["answer"]["total_s"] for r in rows]),
                           "prefix": {k: v for k, v in chat.runtime_info().items() if k.startswith("prefix")},
                           "worker_peak_rss_mib": peak_rss_mib_of(chat.process.pid)}
    raw_ttft, raw_total = out["raw"]["ttft_s"]["p50"], out["raw"]["total_s"]["p50"]
    out["ratios"] = {
        "product_ttft_vs_raw": _ratio(out["product"]["ttft_s"]["p50"], raw_ttft),
        "answer_first_text_vs_raw_ttft": _ratio(out["answer_first_text_s"]["p50"], raw_ttft),
        "answer_total_vs_raw_total": _ratio(out["answer_total_s"]["p50"], raw_total),
        "prompt_tok_s_vs_raw": _ratio(out["product"]["prompt_tok_s"], out["raw"]["prompt_tok_s"]),
        "gen_tok_s_vs_raw": _ratio(out["product"]["gen_tok_s"], out["raw"]["gen_tok_s"]),
    }
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None
