"""Run every benchmark section in order and write the outputs (see the package docstring)."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .measure import CpuWatch, clock, cpu_seconds, dir_size_mib, git_revision, load_average, machine, rss_mib
from .options import add_arguments, parse_tiers, resolve, tier_label

BENCH_DIR = Path(__file__).resolve().parent
WARMUP_QUESTION = "What does Hải Phòng offer foreign investors?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure HP Assist: indexing, retrieval, answering, cold start, memory, baselines and "
                    "scaling on a synthetic corpus. Prints a table; writes benchmarks/results.md and latency.png.",
    )
    add_arguments(parser)
    raw = sys.argv[1:] if argv is None else argv
    return run(parser.parse_args(raw), "python -m benchmarks " + shlex.join(raw))


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace, command: str) -> int:
    """Run the benchmark described by `args` (options.add_arguments); 0 on success."""
    resolve(args)
    tiers = parse_tiers(args.tiers)
    results_path = Path(args.results) if args.results else BENCH_DIR / "results.md"
    plot_path = Path(args.plot) if args.plot else BENCH_DIR / "latency.png"
    root = Path(tempfile.mkdtemp(prefix="hpassist-bench-", dir=args.workdir))
    _log(f"temporary data directory: {root}")
    try:
        results = _run(args, tiers, root, command.strip())
    finally:
        if args.keep:
            _log(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    from .report import markdown, plot, terminal

    plotted = plot(results, plot_path)
    try:
        plot_ref = os.path.relpath(plot_path, results_path.parent) if plotted else None
    except ValueError:
        plot_ref = str(plot_path) if plotted else None
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(markdown(results, plot_ref), encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    print(terminal(results))
    print(f"\nwrote {results_path}" + (f" and {plot_path}" if plotted else ""))
    return 0


def _run(args: argparse.Namespace, tiers: list[int], root: Path, command: str) -> dict[str, Any]:
    from hpassist.settings import REPO_ROOT, Settings

    started = clock()
    load_before = load_average()
    watch = CpuWatch().__enter__()  # samples other work's CPU for the whole run
    sections: dict[str, float] = {}
    loads = [load_before[0]] if load_before else []
    user_dir = Settings().data_dir.resolve()
    settings = Settings(data_dir=root / "data", corpus_dirs=[REPO_ROOT / "seeds"])
    if settings.data_dir.resolve() == user_dir or user_dir in settings.data_dir.resolve().parents:
        raise SystemExit(f"refusing to benchmark inside the user's data directory {user_dir}")
    results: dict[str, Any] = {}

    cpu: dict[str, float] = {}

    def section(name: str) -> None:
        sections[name] = clock()
        cpu[name] = cpu_seconds()
        now = load_average()
        if now:
            loads.append(now[0])

    def end(name: str) -> None:
        sections[name] = clock() - sections[name]
        cpu[name] = cpu_seconds() - cpu[name]
        _log(f"{name} done in {sections[name]:.0f}s")

    from hpassist.embeddings import E5Embeddings
    from hpassist.evaluation import load_cases

    from .pipeline import bench_answers, bench_coldstart, bench_indexing, bench_prompts, bench_retrieval

    cases = load_cases()
    section("setup")
    embedder = E5Embeddings(threads=settings.n_threads)
    mark = clock()
    embedder.queries(["warm up"])
    model: dict[str, Any] = {"embedder_load_s": clock() - mark}
    end("setup")

    section("indexing")
    _log("indexing the seed corpus from scratch")
    results["indexing"] = bench_indexing(settings, embedder)
    end("indexing")

    section("model")
    from hpassist import Assistant
    from hpassist.llm import bundled_model

    if settings.llm == "local" and settings.model_path is None:
        mark = clock()
        bundled_model(settings)
        model["join_s"] = clock() - mark
    assistant = Assistant(settings)
    chat = assistant.generator.chat_model
    if hasattr(chat, "process"):  # the embedded model: start its worker process (loads the GGUF)
        mark = clock()
        chat.process.start()
        model["load_s"] = clock() - mark
    results["model"] = model
    end("model")

    section("retrieval")
    _log("retrieval: hybrid and dense-only over the eval questions")
    results["retrieval"] = bench_retrieval(assistant, cases, args.retrieval_questions)
    end("retrieval")

    if args.questions != 0:
        section("answers")
        _log("answering (one warm-up answer first, not counted)")
        # not an eval question: llama.cpp reuses the KV cache of an identical previous prompt, which would
        # make the first measured answer look free
        assistant.ask(WARMUP_QUESTION)
        results["answers"] = bench_answers(assistant, cases, args.questions)
        end("answers")

    if args.runtime_cases:
        section("runtime")
        _log("model runtime: raw llama.cpp vs the worker on the product's prompts")
        from .runtime import bench_runtime

        results["runtime"] = bench_runtime(assistant, cases, args.runtime_cases)
        end("runtime")

    if args.cold_starts:
        section("cold start")
        results["coldstart"] = bench_coldstart(settings, cases[0].question, args.cold_starts)
        end("cold start")

    if args.prompt_cases:
        section("prompt styles")
        results["prompts"] = bench_prompts(assistant, cases, args.prompt_cases)
        end("prompt styles")

    if tiers:
        section("scaling")
        results["scaling"] = _scaling(args, tiers, root, assistant, results["indexing"])
        end("scaling")

    load_after = load_average()
    if load_after:
        loads.append(load_after[0])
    watch.__exit__(None, None, None)
    other = watch.report()
    cores = machine()["usable_cores"] or 1
    meta_settings = ", ".join(f"{k}={getattr(settings, k)}" for k in (
        "llm", "n_threads", "n_ctx", "max_tokens", "chunk_tokens", "dense_k", "bm25_k", "top_chunks",
        "evidence_sentences", "evidence_token_budget"))
    results["meta"] = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "command": command,
        "revision": git_revision(REPO_ROOT),
        "machine": machine(),
        "load_before": load_before,
        "load_after": load_after,
        "load_samples": loads,
        "other_work": other,
        # a busy machine before the start, or CPU used by processes outside the benchmark's own tree
        # during it (the load average counts the benchmark itself), makes the timings not comparable
        "contended": bool(load_before and load_before[0] > 0.5 * cores) or other["contended"],
        "settings": meta_settings,
        "env_overrides": sorted(k for k in os.environ if k.startswith("HPASSIST_")),
        "wall_s": clock() - started,
        "sections_s": dict(sections),
        "sections_cpu_s": dict(cpu),
        "rss_end_mib": rss_mib(),
    }
    return results


def _scaling(args: argparse.Namespace, tiers: list[int], root: Path, assistant: Any, indexing: dict[str, Any]
             ) -> dict[str, Any]:
    """Build and query each synthetic tier in its own processes."""
    from hpassist.settings import REPO_ROOT

    from .synthetic import export_seed_records

    records = root / "seed-records.npz"
    seed = export_seed_records(assistant.index, records)
    seconds_per_sentence = indexing["embed_s"] / indexing["sentences"] if indexing["sentences"] else None
    out: dict[str, Any] = {"noise": args.noise, "seed": args.seed, "seed_records": seed, "tiers": []}
    for chunks in tiers:
        label = tier_label(chunks)
        tier: dict[str, Any] = {"target": chunks, "label": label}
        out["tiers"].append(tier)
        data_dir = root / "tiers" / label
        mark = clock()
        try:
            _log(f"scaling {label}: building the SYNTHETIC tier")
            tier["build"] = _child(["build", "--records", str(records), "--data-dir", str(data_dir), "--chunks",
                                    str(chunks), "--noise", str(args.noise), "--seed", str(args.seed)],
                                   root / f"build-{label}.json", REPO_ROOT)
            if seconds_per_sentence:
                tier["embed_estimate_h"] = tier["build"]["records"] * seconds_per_sentence / 3600
            _log(f"scaling {label}: {tier['build']['records']:,} records in {tier['build']['build_s']:.0f}s; querying")
            tier["query"] = _child(["query", "--data-dir", str(data_dir), "--queries", str(args.tier_queries)],
                                   root / f"query-{label}.json", REPO_ROOT)
        except Exception as exc:  # one failed tier is reported, the others still run
            tier["error"] = f"{type(exc).__name__}: {exc}"
            _log(f"scaling {label} failed: {tier['error'][:300]}")
        tier["wall_s"] = clock() - mark
        tier["disk_mib"] = dir_size_mib(data_dir) if data_dir.exists() else None
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    return out


def _child(argv: list[str], out: Path, cwd: Path) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "benchmarks.synthetic", *argv, "--out", str(out)], cwd=cwd,
                          capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(proc.stderr.strip()[-1500:] or f"exit status {proc.returncode}")
    return json.loads(out.read_text(encoding="utf-8"))
