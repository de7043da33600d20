"""Command-line options of the benchmark, shared by `python -m benchmarks` and `hpassist bench`.

This module imports nothing but argparse, so the `hpassist` command line can load it cheaply.
"""

from __future__ import annotations

import argparse

DEFAULT_QUESTIONS = 30  # answered questions in a default run (about 10 minutes on an idle 2-core machine)
DEFAULT_TIERS = "1k,10k"  # synthetic corpus sizes in a default run; 100k is opt-in (see README / results)
DEFAULT_PROMPT_CASES = 6  # questions answered twice for the whole-chunk vs sentence-evidence comparison
DEFAULT_TIER_QUERIES = 40  # retrieval questions per synthetic tier
DEFAULT_COLD_STARTS = 2
DEFAULT_RUNTIME_CASES = 8  # prompts answered by raw llama.cpp and by the model worker, for the ratios
QUICK = {"questions": 3, "tiers": "1k", "prompt_cases": 2, "tier_queries": 8, "cold_starts": 1, "retrieval_questions": 12,
         "runtime_cases": 3}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the benchmark's options to `parser`."""
    size = parser.add_argument_group("how much to run")
    size.add_argument("--quick", action="store_true",
                      help="smoke test: 3 answers, the 1k tier only, 2 prompt comparisons, 1 cold start")
    size.add_argument("--full", action="store_true",
                      help="answer every question of evals/facts.yaml (106) instead of a subset")
    size.add_argument("--questions", type=int, metavar="N",
                      help=f"questions answered (evenly spread over evals/facts.yaml; default {DEFAULT_QUESTIONS})")
    size.add_argument("--retrieval-questions", type=int, metavar="N",
                      help="questions used for the retrieval timings and the dense-only baseline (default: all)")
    size.add_argument("--tiers", metavar="LIST",
                      help=f"synthetic corpus sizes in chunks, e.g. 1k,10k,100k; 'none' skips scaling (default {DEFAULT_TIERS})")
    size.add_argument("--tier-queries", type=int, metavar="N",
                      help=f"retrieval questions per synthetic tier (default {DEFAULT_TIER_QUERIES})")
    size.add_argument("--prompt-cases", type=int, metavar="N",
                      help=f"questions for the whole-chunk vs sentence-evidence prompts (default {DEFAULT_PROMPT_CASES}; 0 skips)")
    size.add_argument("--runtime-cases", type=int, metavar="N",
                      help=f"prompts answered by raw llama.cpp and by the model worker (default {DEFAULT_RUNTIME_CASES}; 0 skips)")
    size.add_argument("--cold-starts", type=int, metavar="N",
                      help=f"fresh processes timed from start to first answer (default {DEFAULT_COLD_STARTS}; 0 skips)")
    synth = parser.add_argument_group("synthetic corpus")
    synth.add_argument("--noise", type=float, default=0.5,
                       help="norm of the random perturbation added to each reused seed vector before normalising "
                            "(default 0.5: a copy keeps cosine ~0.89 to its original)")
    synth.add_argument("--seed", type=int, default=7, help="random seed for the synthetic corpus (default 7)")
    out = parser.add_argument_group("output")
    out.add_argument("--results", metavar="PATH", help="Markdown results file (default benchmarks/results.md)")
    out.add_argument("--plot", metavar="PATH", help="latency plot, PNG (default benchmarks/latency.png)")
    out.add_argument("--json", metavar="PATH", help="also write every measurement as JSON")
    out.add_argument("--workdir", metavar="DIR",
                     help="where the fresh temporary data directory is made (default: the system temp dir)")
    out.add_argument("--keep", action="store_true", help="keep the temporary data directory (its path is printed)")


def resolve(args: argparse.Namespace) -> argparse.Namespace:
    """Fill the defaults that depend on --quick / --full."""
    quick = QUICK if args.quick else {}
    defaults = {
        "questions": None if args.full else quick.get("questions", DEFAULT_QUESTIONS),
        "tiers": quick.get("tiers", DEFAULT_TIERS),
        "prompt_cases": quick.get("prompt_cases", DEFAULT_PROMPT_CASES),
        "tier_queries": quick.get("tier_queries", DEFAULT_TIER_QUERIES),
        "cold_starts": quick.get("cold_starts", DEFAULT_COLD_STARTS),
        "runtime_cases": quick.get("runtime_cases", DEFAULT_RUNTIME_CASES),
        "retrieval_questions": quick.get("retrieval_questions"),
    }
    for name, value in defaults.items():
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    return args


def parse_tiers(text: str) -> list[int]:
    """'1k,10k,100k' -> [1000, 10000, 100000]; 'none' -> []."""
    if text.strip().lower() in ("", "none", "0"):
        return []
    tiers = []
    for part in text.split(","):
        part = part.strip().lower()
        scale = 1_000_000 if part.endswith("m") else 1_000 if part.endswith("k") else 1
        tiers.append(int(float(part.rstrip("km")) * scale))
    return sorted(set(tiers))


def tier_label(chunks: int) -> str:
    return f"{chunks // 1_000_000}M" if chunks >= 1_000_000 and chunks % 1_000_000 == 0 else (
        f"{chunks // 1000}k" if chunks >= 1000 and chunks % 1000 == 0 else str(chunks))
