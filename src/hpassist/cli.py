"""Command line: `hpassist ask "…"`, `hpassist index [PATH…]`, `hpassist serve`, `hpassist eval`."""

from __future__ import annotations

import argparse
import logging
import sys

from tqdm import tqdm

from .settings import Settings


def _assistant(settings: Settings, sync: bool = True):
    from .assistant import Assistant

    return Assistant(settings, sync=sync)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    assistant = _assistant(settings)
    answer = None
    for event in assistant.stream(args.question):
        if isinstance(event, str):
            print(event, end="", flush=True)
        else:
            answer = event
    print()
    if answer and answer.citations:
        print("\nSources:")
        for c in answer.citations:
            print(f"[{c.index}] {c.title} — {c.source} ({c.date or 'undated'})")
            print(f"    “{c.quote}”")
    if answer and args.verbose:
        print(f"\nsearched: {answer.search_query}\ntimings: " + ", ".join(f"{k} {v:.2f}s" for k, v in answer.timings.items()))
    return 0


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    if args.paths:
        settings = settings.model_copy(update={"corpus_dirs": [*settings.corpus_dirs, *args.paths]})
    assistant = _assistant(settings, sync=False)
    bar = tqdm(total=0, unit="sentence", desc="Embedding")

    def progress(done: int, total: int, source: str) -> None:
        bar.total = total
        bar.set_postfix_str(source[:30])
        bar.update(done - bar.n)

    report = assistant.sync(progress=progress)
    bar.close()
    print(
        f"Index at {settings.index_dir if not settings.chroma_url else settings.chroma_url}: "
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.removed)} removed, "
        f"{len(report.unchanged)} unchanged ({report.sentences_embedded} sentences embedded)."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hpassist", description="Grounded answers about investing in Hải Phòng.")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer one question, with numbered sources")
    ask.add_argument("question")
    index = sub.add_parser("index", help="build or refresh the index (only changed documents are embedded)")
    index.add_argument("paths", nargs="*", help="extra folders of documents to index")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings()
    handlers = {"ask": cmd_ask, "index": cmd_index}
    try:
        return handlers[args.command](args, settings)
    except Exception as exc:  # a clear message, not a traceback, for every known failure
        print(f"hpassist: {exc}", file=sys.stderr)
        if args.verbose:
            raise
        return 1


if __name__ == "__main__":
    sys.exit(main())
