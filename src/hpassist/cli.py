"""Command line: `hpassist ask "…"`, `hpassist index [PATH…]`, `hpassist serve`, `hpassist eval`, `hpassist bench`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from .documents import FileResult, load_paths, summary
from .settings import Settings

if TYPE_CHECKING:
    from .index import SyncReport


def _assistant(settings: Settings, sync: bool = True):
    from .assistant import Assistant

    return Assistant(settings, sync=sync)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from .query import QuestionError, parse_query

    try:  # an unusable question gets its polite message at once, before the index and model are loaded
        parse_query(args.question, settings.max_question_tokens, settings.max_question_chars)
    except QuestionError as exc:
        print(exc)
        return 0
    assistant = _assistant(settings)
    answer = None
    for event in assistant.stream(args.question):
        if isinstance(event, str):
            print(event, end="", flush=True)
        else:
            answer = event
    print()
    if answer and answer.notice:
        print(f"Note: {answer.notice}")
    if answer and answer.citations:
        print("\nSources:")
        for c in answer.citations:
            print(f"[{c.index}] {c.title} — {c.source} ({c.date or 'undated'})")
            print(f"    “{c.quote}”")
    if answer and args.verbose:
        print(f"\nsearched: {answer.search_query}\ntimings: " + ", ".join(f"{k} {v:.2f}s" for k, v in answer.timings.items()))
    return 0


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    """Index the corpus folders plus PATHs: one table row per file, then a summary."""
    from .index import Index

    results = load_paths([*settings.document_paths, *args.paths], settings.max_file_bytes)
    index = Index(settings)
    bar = tqdm(total=0, unit="sentence", desc="Embedding")

    def progress(done: int, total: int, source: str) -> None:
        bar.total = total
        bar.set_postfix_str(source[:30])
        bar.update(done - bar.n)

    report = index.sync([r.document for r in results if r.document], progress=progress)
    bar.close()
    print(_table(results, report))
    skipped = sum(1 for r in results if not r.document)
    print(
        f"\nIndex at {settings.chroma_url or settings.index_dir}: "
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.removed)} removed, "
        f"{len(report.unchanged)} unchanged, {skipped} skipped ({report.sentences_embedded} sentences embedded)."
    )
    corpus = {Path(d).expanduser().resolve() for d in settings.corpus_dirs}
    if any(Path(p).expanduser().resolve() not in corpus for p in args.paths):
        print("Note: a later `hpassist index` without these paths removes them; add them to HPASSIST_CORPUS_DIRS to keep them.")
    return 0


def _table(results: list[FileResult], report: SyncReport) -> str:
    """Aligned rows: what happened to each file (added/updated/unchanged/skipped/removed) and why."""
    done = {s: "added" for s in report.added} | {s: "updated" for s in report.updated}
    rows = [("status", "file", "details")]
    for r in results:
        if r.document:
            rows.append((done.get(r.source, "unchanged"), _shown(r.path), summary(r.document)))
        else:
            rows.append(("skipped", _shown(r.path), r.skipped))
    rows += [("removed", source, "no longer among the indexed paths") for source in report.removed]
    width = [max(len(row[i]) for row in rows) for i in (0, 1)]
    return "\n".join(f"{a:<{width[0]}}  {b:<{width[1]}}  {c}" for a, b, c in rows)


def _shown(path: Path) -> str:
    """A path relative to the working directory when it lies below it, else absolute."""
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Run the known-facts evaluation against the backend the settings select; non-zero if a threshold fails."""
    from .evaluation import DEFAULT_CASES, DEFAULT_OUT_DIR, run_eval

    report = run_eval(_assistant(settings), args.cases or DEFAULT_CASES, args.out or DEFAULT_OUT_DIR)
    return 1 if report.threshold_failures() else 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Start the web chat on settings.host:settings.port until interrupted."""
    from .ui import serve

    serve(_assistant(settings))
    return 0


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    """Run the benchmarks of a source checkout (benchmarks/): a table, benchmarks/results.md and latency.png.
    They use a fresh temporary data dir, never `settings.data_dir`."""
    import shlex

    from .settings import REPO_ROOT

    if not (REPO_ROOT / "benchmarks" / "run.py").is_file():
        print("hpassist bench needs a source checkout with its benchmarks/ folder.", file=sys.stderr)
        return 1
    if str(REPO_ROOT) not in sys.path:
        sys.path.append(str(REPO_ROOT))
    from benchmarks.run import run

    return run(args, "hpassist " + shlex.join(sys.argv[1:]))


def _bench_options(parser: argparse.ArgumentParser) -> None:
    """Add the options of benchmarks/options.py, loaded by path (it imports only argparse); none without it."""
    from importlib.util import module_from_spec, spec_from_file_location

    from .settings import REPO_ROOT

    path = REPO_ROOT / "benchmarks" / "options.py"
    spec = spec_from_file_location("_hpassist_bench_options", path) if path.is_file() else None
    if spec and spec.loader:
        module = module_from_spec(spec)
        spec.loader.exec_module(module)
        module.add_arguments(parser)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hpassist", description="Grounded answers about investing in Hải Phòng.")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer one question, with numbered sources")
    ask.add_argument("question")
    index = sub.add_parser("index", help="build or refresh the index (only changed documents are embedded)")
    index.add_argument("paths", nargs="*", type=Path, help="folders or files (.txt .md .html .pdf) to index too")
    sub.add_parser("serve", help="start the web chat (HPASSIST_HOST/PORT/SHARE/AUTH; default http://127.0.0.1:7860)")
    evaluate = sub.add_parser("eval", help="score the assistant on the known-facts set (evals/facts.yaml)")
    evaluate.add_argument("--cases", type=Path, help="a facts file (default: evals/facts.yaml)")
    evaluate.add_argument("--out", type=Path, help="where to write report.md and report.json (default: evals/)")
    bench = sub.add_parser("bench", help="measure speed, memory and scaling; writes benchmarks/results.md (source checkout)")
    _bench_options(bench)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings()
    handlers = {"ask": cmd_ask, "index": cmd_index, "serve": cmd_serve, "eval": cmd_eval, "bench": cmd_bench}
    try:
        return handlers[args.command](args, settings)
    except Exception as exc:  # a clear message, not a traceback, for every known failure
        print(f"hpassist: {exc}", file=sys.stderr)
        if args.verbose:
            raise
        return 1


if __name__ == "__main__":
    sys.exit(main())
