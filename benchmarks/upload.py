"""Upload and index time for a 10-page PDF through the Documents tab's own path (`Library.add`: copy, read
with pypdf, clean, chunk, embed, commit), into a fresh data dir that already holds the seed corpus.

    .venv/bin/python -m benchmarks.upload [--pages 10] [--repeat 3]

The PDF is written here (text pages in Helvetica) from the English articles of the Bắc Ninh development
corpus, so its text reads like a real report. Prints a table and writes benchmarks/results-upload.md with the
load average and the CPU other processes used while it ran.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
import textwrap
from pathlib import Path

from .measure import CpuWatch, clock, load_average, machine

BENCH_DIR = Path(__file__).resolve().parent
CORPUS = BENCH_DIR.parent / "evals" / "corpora" / "bacninh"
LINES_PER_PAGE, WIDTH = 50, 95


def report_pdf(pages: int, version: int = 1) -> bytes:
    """A text PDF of `pages` full pages: the English Bắc Ninh articles, wrapped, one after another (again
    from the first when they run out), under a line naming the report's version."""
    from hpassist.documents import load_paths

    articles = [r.document for r in load_paths([CORPUS], 10**7) if r.document and r.document.language == "en"]
    lines: list[str] = [f"Bac Ninh investment digest, version {version}", ""]
    while len(lines) < pages * LINES_PER_PAGE:
        for doc in articles:
            lines += [doc.title, ""] + [w for p in doc.clean_text.split("\n") for w in textwrap.wrap(p, WIDTH) + [""]]
    return text_pdf([lines[i * LINES_PER_PAGE : (i + 1) * LINES_PER_PAGE] for i in range(pages)])


def text_pdf(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF 1.4 file, built by hand: one Helvetica text page per list of lines (Latin-1
    text; other characters become "?"). The ingestion tests use it too."""
    def literal(text: str) -> str:
        text = text.encode("latin-1", "replace").decode("latin-1")
        return "(" + re.sub(r"([\\()])", r"\\\1", text) + ")"

    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for lines in pages:
        stream = "BT /F1 10 Tf 14 TL 50 800 Td " + " ".join(f"{literal(line)} '" for line in lines) + " ET"
        objects.append(f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.upload", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3, help="uploads of new versions of the same PDF")
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "results-upload.md")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from hpassist.documents import load_paths
    from hpassist.embeddings import E5Embeddings
    from hpassist.index import Index
    from hpassist.library import Library
    from hpassist.readers import read
    from hpassist.settings import Settings

    root = Path(tempfile.mkdtemp(prefix="hpassist-upload-"))
    try:
        settings = Settings(data_dir=root / "data")
        embedder = E5Embeddings(threads=settings.n_threads)
        embedder.passages(["warm up"])  # loading the embedding model is start-up, not upload
        index = Index(settings, embedder)
        index.sync([r.document for r in load_paths(settings.corpus_dirs, settings.max_file_bytes) if r.document])
        library = Library(settings, index)  # the seed corpus is indexed, as after a first start
        rows = []
        with CpuWatch() as watch:
            for attempt in range(args.repeat):
                pdf = root / f"report-{args.pages}-pages.pdf"
                pdf.write_bytes(report_pdf(args.pages, version=attempt + 1))
                mark = clock()
                text = read(pdf)
                read_s = clock() - mark
                mark = clock()
                (result,) = library.add([(pdf.name, pdf)])
                total_s = clock() - mark
                chunks = [c for c in library.index.chunks() if c.source == pdf.name]
                rows.append(
                    {
                        "status": result.status,
                        "bytes": pdf.stat().st_size,
                        "characters": len(text),
                        "passages": len(chunks),
                        "sentences": sum(len(c.sentences) for c in chunks),
                        "read_s": read_s,
                        "total_s": total_s,
                    }
                )
        cpu = watch.report()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    table = _markdown(rows, args.pages, cpu)
    print(table)
    args.results.write_text(table, encoding="utf-8")
    return 0


def _markdown(rows: list[dict], pages: int, cpu: dict) -> str:
    facts = machine()
    load = load_average()
    lines = [
        f"# Upload and index a {pages}-page PDF (Documents tab path)",
        "",
        f"Machine: {facts.get('cpu', '?')}, {facts.get('cores', '?')} cores. Load average at the end: "
        f"{' / '.join(f'{x:.2f}' for x in load) if load else '?'}; other processes used {cpu['other_cores_mean'] or 0:.2f} "
        f"cores on average (p90 {cpu['other_cores_p90'] or 0:.2f}){' — contended, timings not comparable' if cpu['contended'] else ''}.",
        "The first upload adds the document; each later one is a changed version (updated: re-read and re-embedded).",
        "",
        "| upload | status | PDF bytes | characters | passages | sentences | read (pypdf) s | total s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, r in enumerate(rows, start=1):
        lines.append(
            f"| {n} | {r['status']} | {r['bytes']:,} | {r['characters']:,} | {r['passages']} | {r['sentences']} | "
            f"{r['read_s']:.2f} | {r['total_s']:.2f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
