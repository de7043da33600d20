"""The in-process measurements on the real seed corpus: indexing, retrieval, answering, prompt styles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

from hpassist.chunking import chunk_document
from hpassist.evidence import by_best_sentence
from hpassist.documents import load_paths
from hpassist.embeddings import E5Embeddings
from hpassist.evaluation import (
    EvalCase,
    contains_any,
    facts_correct,
    refusal_correct,
    strip_markers,
)
from hpassist.generation import Generator
from hpassist.index import Index
from hpassist.schema import Answer, Evidence, Sentence
from hpassist.settings import REPO_ROOT, Settings

from .measure import Meter, clock, dir_size_mib, peak_rss_mib, reset_peak_rss, rss_mib, summary
from .probe import KEYS, instrument, parse, retrieval_cases, spread, timed_search, top_sources


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------
# Indexing
# ------------------------------------------------------------------------------------------------


def bench_indexing(settings: Settings, embedder: E5Embeddings) -> dict[str, Any]:
    """Build the seed index from scratch (read + clean + chunk + embed + write), then re-index unchanged."""
    meter = Meter()
    meter.wrap(embedder, "passages", "embed")
    try:
        start = clock()
        results = load_paths(settings.corpus_dirs, settings.max_file_bytes)
        docs = [r.document for r in results if r.document]
        read_s = clock() - start
        index = Index(settings, embedder)
        open_s = clock() - start - read_s
        report = index.sync(docs)
        build_s = clock() - start
        embed_s = meter.get("embed")
    finally:
        meter.close()
    chunks = [c for d in docs for c in chunk_document(d, settings.chunk_tokens)]
    sentences = sum(len(c.sentences) for c in chunks)
    mark = clock()
    results = load_paths(settings.corpus_dirs, settings.max_file_bytes)
    again = index.sync([r.document for r in results if r.document])
    reindex_s = clock() - mark
    mark = clock()
    fresh = Index(settings, embedder)
    fresh.chunks()
    load_chunks_s = clock() - mark
    mark = clock()
    fresh.keyword_search("Korea investment projects", 1)
    bm25_s = clock() - mark
    return {
        "documents": len(docs),
        "chunks": len(chunks),
        "sentences": sentences,
        "embedded": report.sentences_embedded,
        "build_s": build_s,
        "read_s": read_s,
        "open_s": open_s,
        "embed_s": embed_s,
        "write_s": build_s - read_s - open_s - embed_s,  # chunking, Chroma writes, manifest commits
        "sentences_per_s": sentences / build_s,
        "chunks_per_s": len(chunks) / build_s,
        "embed_sentences_per_s": sentences / embed_s if embed_s else None,
        "reindex_s": reindex_s,
        "reindex_embedded": again.sentences_embedded,
        "reindex_unchanged": len(again.unchanged),
        "load_chunks_s": load_chunks_s,
        "index_mib": dir_size_mib(settings.index_dir),
        "bm25_build_s": bm25_s,
    }


# ------------------------------------------------------------------------------------------------
# Retrieval on the seed index, and the dense-only baseline
# ------------------------------------------------------------------------------------------------


def bench_retrieval(assistant: Any, cases: list[EvalCase], n: int | None) -> dict[str, Any]:
    """Hybrid and dense-only search with their parts over the eval questions; recall@5 of expected sources."""
    settings = assistant.settings
    parts = assistant.pipeline
    chosen = spread(cases, n)
    meter = Meter()
    instrument(meter, assistant.index)
    try:
        timed_search(parts, meter, parse(settings, chosen[0].question))  # warm-up (BM25 build, first lookups)
        hybrid, dense, parse_s = [], [], []
        hits: dict[str, list[bool]] = {"hybrid": [], "dense": [], "hybrid_fused": [], "dense_fused": []}
        for case in chosen:
            mark = clock()
            query = parse(settings, case.question)
            parse_s.append(clock() - mark)
            row, retrieval, ranked = timed_search(parts, meter, query)
            hybrid.append(row)
            drow, dretrieval, dranked = timed_search(parts, meter, query, dense_only=True)
            dense.append(drow)
            if case.answerable and not case.follow_up_of and not case.history:
                hits["hybrid"].append(any(s in case.sources for s in top_sources(retrieval, ranked)))
                hits["dense"].append(any(s in case.sources for s in top_sources(dretrieval, dranked)))
                hits["hybrid_fused"].append(any(c.chunk.source in case.sources for c in retrieval.chunks[:5]))
                hits["dense_fused"].append(any(c.chunk.source in case.sources for c in dretrieval.chunks[:5]))
    finally:
        meter.close()
    keys = KEYS
    return {
        "questions": len(chosen),
        "recall_questions": len(hits["hybrid"]),
        "chunks": len(assistant.index.chunks()),
        "parse": summary(parse_s),
        "hybrid": {k: summary([r[k] for r in hybrid]) for k in keys},
        "dense_only": {k: summary([r[k] for r in dense]) for k in keys},
        "probes_hybrid": summary([r["probes"] for r in hybrid]),
        "recall": {k: (sum(v) / len(v) if v else None) for k, v in hits.items()},
    }


# ------------------------------------------------------------------------------------------------
# Answering
# ------------------------------------------------------------------------------------------------


class ModelProbe:
    """Wraps one Generator instance: captures each prompt and times every step of the model's stream.

    The first `next()` of the stream covers prompt processing plus the first token; the others are
    decoding. Time the caller spends between `next()` calls (sentence verification) is not counted here.
    """

    def __init__(self, generator: Generator) -> None:
        self.generator = generator
        self.reset()
        original_prompt = generator.prompt
        original_stream = generator.stream
        original_complete = generator.complete_text

        def prompt(question: str, language: str, evidence: list[Evidence]) -> Any:
            self.messages = original_prompt(question, language, evidence)
            self.bare = original_prompt(question, language, [])  # the same prompt without facts
            return self.messages

        def stream(messages: Any) -> Iterator[str]:
            self.started = clock()
            iterator = iter(original_stream(messages))
            while True:
                mark = clock()
                try:
                    delta = next(iterator)
                except StopIteration:
                    self.decode_s += clock() - mark
                    break
                now = clock()
                if self.first is None:
                    self.first = now
                    self.prompt_s = now - mark
                else:
                    self.decode_s += now - mark
                self.text.append(delta)
                yield delta

        def complete_text(*args: Any, **kwargs: Any) -> str:
            mark = clock()
            try:
                return original_complete(*args, **kwargs)
            finally:
                self.condense_s += clock() - mark

        generator.prompt = prompt
        generator.stream = stream
        generator.complete_text = complete_text

    def reset(self) -> None:
        self.messages = None
        self.bare = None
        self.started: float | None = None
        self.first: float | None = None
        self.prompt_s = 0.0
        self.decode_s = 0.0
        self.condense_s = 0.0
        self.text: list[str] = []

    def close(self) -> None:
        for name in ("prompt", "stream", "complete_text"):
            vars(self.generator).pop(name, None)


def token_counter(chat_model: Any) -> tuple[Any, Any]:
    """(prompt token counter, generated token counter) for the model; None where it cannot count."""
    if hasattr(chat_model, "count_prompt_tokens") and hasattr(chat_model, "count_tokens"):
        return chat_model.count_prompt_tokens, chat_model.count_tokens
    return None, None


def answer_cases(cases: list[EvalCase], n: int | None) -> list[EvalCase]:
    """n cases spread over the file, plus the earlier case of any chosen follow-up (asked first)."""
    chosen = spread(cases, n)
    by_id = {c.id: c for c in cases}
    ids = {c.id for c in chosen}
    for case in list(chosen):
        parent = case.follow_up_of
        while parent and parent not in ids:
            ids.add(parent)
            parent = by_id[parent].follow_up_of
    return [c for c in cases if c.id in ids]


def bench_answers(assistant: Any, cases: list[EvalCase], n: int | None) -> dict[str, Any]:
    """Answer the chosen questions through Assistant.stream; time each answer and each of its steps."""
    chat_model = assistant.generator.chat_model
    count_prompt, count_generated = token_counter(chat_model)
    probe = ModelProbe(assistant.generator)
    meter = Meter()
    meter.wrap(assistant.pipeline.verifier, "supporting", "verify")
    chosen = answer_cases(cases, n)
    rows = []
    done: dict[str, list[tuple[str, str]]] = {}
    reset = reset_peak_rss()
    rss_before = rss_mib()
    try:
        for number, case in enumerate(chosen, 1):
            # the conversation before the case, as evaluation.run_eval builds it
            history = list(done.get(case.follow_up_of, [])) if case.follow_up_of else list(case.history)
            probe.reset()
            meter.reset()
            start = clock()
            first = None
            answer = None
            for event in assistant.stream(case.question, history or None):
                if isinstance(event, Answer):
                    answer = event
                elif first is None:
                    first = clock()
            total = clock() - start
            assert answer is not None
            done[case.id] = history + [(case.question, answer.text)]
            model = probe.started is not None
            row = {
                "id": case.id,
                "lang": case.lang,
                "answerable": case.answerable,
                "refused": answer.refused,
                "follow_up": bool(history),
                "total_s": total,
                "ttft_s": (first - start) if first else total,
                "timings": dict(answer.timings),
                "model_called": model,
                "model_start_s": (probe.started - start) if model else None,
                "model_first_s": (probe.first - start) if probe.first else None,
                "prompt_s": probe.prompt_s,
                "decode_s": probe.decode_s,
                "condense_s": probe.condense_s,
                "verify_s": meter.get("verify"),
                "prompt_tokens": count_prompt(probe.messages) if (count_prompt and probe.messages) else None,
                "prompt_overhead_tokens": count_prompt(probe.bare) if (count_prompt and probe.bare) else None,
                "generated_tokens": (count_generated("".join(probe.text)) if count_generated else len(probe.text))
                if model else 0,
                "correct": facts_correct(answer, case) if case.answerable else refusal_correct(answer, case),
            }
            rows.append(row)
            log(f"answer {number}/{len(chosen)} {case.id}: {total:.1f}s (first text {row['ttft_s']:.1f}s)")
    finally:
        probe.close()
        meter.close()
    return {"answers": rows, **answer_summary(rows), "peak_rss_mib": peak_rss_mib(), "rss_before_mib": rss_before,
            "peak_reset": reset}


def answer_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Percentiles, token counts, time shares and the make-up of the first token."""
    model_rows = [r for r in rows if r["model_called"]]
    total = sum(r["total_s"] for r in rows)
    parts = {
        "retrieval": sum(r["timings"].get("retrieval", 0.0) for r in rows),
        "evidence selection": sum(r["timings"].get(step, 0.0) for r in rows for step in ("evidence", "decision", "figures")),
        "follow-up rewrite (model)": sum(r["condense_s"] for r in rows),
        "prompt processing": sum(r["prompt_s"] for r in rows),
        "generation (decoding)": sum(r["decode_s"] for r in rows),
        "verification": sum(r["verify_s"] for r in rows),
    }
    parts["other"] = total - sum(parts.values())
    # What the first text waited for: everything before the model, the model's prompt processing, then
    # decoding (and verifying) until the first sentence was complete and supported.
    ttft_parts = {"before the model (retrieval, evidence, rewrite, …)": 0.0, "prompt processing": 0.0,
                  "decoding + verifying the first sentence": 0.0}
    for r in rows:
        if r["model_called"] and r["model_start_s"] is not None and r["ttft_s"] > r["model_start_s"]:
            ttft_parts["before the model (retrieval, evidence, rewrite, …)"] += r["model_start_s"]
            ttft_parts["prompt processing"] += min(r["prompt_s"], r["ttft_s"] - r["model_start_s"])
            ttft_parts["decoding + verifying the first sentence"] += max(
                0.0, r["ttft_s"] - r["model_start_s"] - r["prompt_s"])
        else:
            ttft_parts["before the model (retrieval, evidence, rewrite, …)"] += r["ttft_s"]
    prompt_tokens = [r["prompt_tokens"] for r in model_rows if r["prompt_tokens"] is not None]
    generated = [r["generated_tokens"] for r in model_rows]
    prompt_s = sum(r["prompt_s"] for r in model_rows)
    decode_s = sum(r["decode_s"] for r in model_rows)
    answerable = [r for r in rows if r["answerable"]]
    return {
        "n": len(rows),
        "n_model": len(model_rows),
        "n_refused": sum(r["refused"] for r in rows),
        "n_lead_first": sum(1 for r in rows if r["model_called"] and r["ttft_s"] <= (r["model_start_s"] or 0)),
        "total": summary([r["total_s"] for r in rows]),
        "ttft": summary([r["ttft_s"] for r in rows]),
        "total_model": summary([r["total_s"] for r in model_rows]),
        "ttft_model": summary([r["ttft_s"] for r in model_rows]),
        "model_first_token": summary([r["model_first_s"] for r in model_rows if r["model_first_s"] is not None]),
        "prompt_tokens": summary(prompt_tokens),
        "prompt_overhead_tokens": summary([r["prompt_overhead_tokens"] for r in model_rows
                                           if r.get("prompt_overhead_tokens") is not None]),
        "generated_tokens": summary(generated),
        "prompt_tokens_per_s": sum(prompt_tokens) / prompt_s if prompt_s and prompt_tokens else None,
        "generated_tokens_per_s": (sum(generated) - len(generated)) / decode_s if decode_s else None,
        "shares": {k: (v / total if total else None) for k, v in parts.items()},
        "seconds": parts,
        "ttft_seconds": {k: v / len(rows) for k, v in ttft_parts.items()} if rows else {},
        "accuracy": sum(r["correct"] for r in rows) / len(rows) if rows else None,
        "fact_accuracy": sum(r["correct"] for r in answerable) / len(answerable) if answerable else None,
    }


# ------------------------------------------------------------------------------------------------
# Cold start
# ------------------------------------------------------------------------------------------------


def bench_coldstart(settings: Settings, question: str, runs: int) -> dict[str, Any]:
    """Fresh `python -m benchmarks.coldstart` processes on the existing index and joined model."""
    env = dict(os.environ)
    env.update({
        "HPASSIST_DATA_DIR": str(settings.data_dir),
        "HPASSIST_CORPUS_DIRS": json.dumps([str(p) for p in settings.corpus_dirs]),
    })
    samples = []
    for number in range(runs):
        start = time.time()
        proc = subprocess.run([sys.executable, "-m", "benchmarks.coldstart", question], cwd=REPO_ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
        if proc.returncode:
            raise RuntimeError(f"cold start failed: {proc.stderr[-2000:]}")
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        sample = {
            "interpreter_s": data["process_start"] - start,
            "imports_s": data["imported"] - data["process_start"],
            "assistant_s": data["ready"] - data["imported"],
            "first_answer_s": data["done"] - data["ready"],
            "to_first_text_s": (data["first_text"] or data["done"]) - start,
            "to_answer_s": data["done"] - start,
            "timings": data["timings"],
            "peak_rss_mib": data["peak_rss_mib"],
        }
        samples.append(sample)
        log(f"cold start {number + 1}/{runs}: first answer after {sample['to_answer_s']:.1f}s")
    keys = ("interpreter_s", "imports_s", "assistant_s", "first_answer_s", "to_first_text_s", "to_answer_s",
            "peak_rss_mib")
    return {"runs": samples, "question": question, **{k: summary([s[k] for s in samples]) for k in keys}}


# ------------------------------------------------------------------------------------------------
# Prompt styles: whole chunks vs selected sentences
# ------------------------------------------------------------------------------------------------


def _chunk_evidence(chunks: list[Any]) -> list[Evidence]:
    return [Evidence(Sentence(c.chunk.id, c.chunk.source, c.chunk.title, c.chunk.date, c.chunk.start, c.chunk.end,
                              c.chunk.text), c.score) for c in chunks]


def _end_to_end(assistant: Any, case: EvalCase, facts: list[Evidence] | None) -> dict[str, Any]:
    """One full Assistant.stream answer; with `facts`, the model is given those instead of the selected
    sentences (Pipeline.facts replaced on this instance for the one answer). Scored with facts_correct."""
    if facts is not None:
        assistant.pipeline.facts = lambda decision, found: facts
    try:
        start = clock()
        first = None
        answer = None
        for event in assistant.stream(case.question):
            if isinstance(event, Answer):
                answer = event
            elif first is None:
                first = clock()
        total = clock() - start
    finally:
        vars(assistant.pipeline).pop("facts", None)
    return {"answer_total_s": total, "answer_ttft_s": (first - start) if first else total,
            "answer_ok": bool(answer and facts_correct(answer, case)), "answer": (answer.text if answer else "")[:300]}


def bench_prompts(assistant: Any, cases: list[EvalCase], n: int) -> dict[str, Any]:
    """The same questions answered by the same model from two prompts built by the product's Generator:
    the selected evidence sentences (what HP Assist sends) vs the top-3 chunks whole. Scores the model's
    raw reply (before verification) with evaluation.contains_any on the case's fact groups, then the full
    answer of each style (Assistant.stream, with verification and program-composed lines) with facts_correct."""
    from hpassist.llm import LlamaCppChat

    settings = assistant.settings
    product_chat = assistant.generator.chat_model
    if isinstance(product_chat, LlamaCppChat):  # room for ~1k-token prompts; the same instance serves both styles
        chat = LlamaCppChat(model_path=product_chat.model_path, n_ctx=max(4096, settings.n_ctx),
                            n_threads=settings.n_threads, max_tokens=settings.max_tokens,
                            temperature=settings.temperature)
        mark = clock()
        chat.process.start()
        log(f"prompt baseline: second model instance (n_ctx {chat.n_ctx}) loaded in {clock() - mark:.1f}s")
    else:
        chat = product_chat
    generator = Generator(chat, settings.prompts_dir)
    count_prompt, _ = token_counter(chat)
    chosen = spread(retrieval_cases(cases), n)
    rows = []
    for number, case in enumerate(chosen, 1):
        query = parse(settings, case.question)
        gathered = assistant.pipeline.gather(query)
        decision = gathered.decision
        sentences = gathered.facts if decision.answerable else assistant.pipeline.selector.select(gathered.ranked)
        top3 = by_best_sentence(gathered.retrieval.chunks, gathered.ranked)[:3]
        row: dict[str, Any] = {"id": case.id, "lang": case.lang, "gate_answerable": decision.answerable}
        for style, facts in (("sentences", sentences), ("chunks", _chunk_evidence(top3))):
            messages = generator.prompt(query.text, query.language, facts)
            start = clock()
            first = None
            text = []
            for delta in generator.stream(messages):
                first = first or clock()
                text.append(delta)
            total = clock() - start
            reply = strip_markers("".join(text))
            row[style] = {
                "prompt_tokens": count_prompt(messages) if count_prompt else None,
                "first_token_s": (first - start) if first else total,
                "total_s": total,
                "facts_ok": all(contains_any(reply, group) for group in case.facts),
                "reply": "".join(text)[:300],
            }
        for style, facts in (("sentences", None), ("chunks", _chunk_evidence(top3))):
            row[style].update(_end_to_end(assistant, case, facts))
        rows.append(row)
        log(f"prompt styles {number}/{len(chosen)} {case.id}: model time sentences {row['sentences']['total_s']:.1f}s, "
            f"chunks {row['chunks']['total_s']:.1f}s")
    if chat is not product_chat:
        chat.close()  # its worker process
    out: dict[str, Any] = {"questions": len(rows), "rows": rows}
    for style in ("sentences", "chunks"):
        cells = [r[style] for r in rows]
        out[style] = {
            "prompt_tokens": summary([c["prompt_tokens"] for c in cells if c["prompt_tokens"] is not None]),
            "first_token_s": summary([c["first_token_s"] for c in cells]),
            "total_s": summary([c["total_s"] for c in cells]),
            "fact_accuracy": sum(c["facts_ok"] for c in cells) / len(cells) if cells else None,
            "answer_total_s": summary([c["answer_total_s"] for c in cells]),
            "answer_ttft_s": summary([c["answer_ttft_s"] for c in cells]),
            "answer_accuracy": sum(c["answer_ok"] for c in cells) / len(cells) if cells else None,
        }
    return out
