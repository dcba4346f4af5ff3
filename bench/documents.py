"""``python -m bench.documents``: how fast documents' text is read, per format, and what the sandbox costs.

For each format a document of a realistic size (written by ``tests/documents/factories.py``, French text):
a 20-page PDF, a 300-paragraph DOCX and ODT, a 30-slide PPTX and ODP, a 3-sheet 2,000-row XLSX and ODS,
a 200 kB Markdown and CSV. Each is read ``--runs`` times

* **in-process** (``extract.extract``): the parser's own CPU time — files/s, MB/s of file;
* **in the sandbox** (``sandbox.run``, what the worker does): wall ms per file, the child's CPU ms per file
  (user + system, from ``RUSAGE_CHILDREN``), its peak resident memory — the cost one document adds to
  the worker, the child's start (a fresh interpreter) included; the ``txt`` row, an empty file, is that start alone.

Extraction happens in the task worker, in a child process at ``nice`` 10, never in a web request; posts
without documents write no outbox row for it (the consumer's ``when``). ``--home`` measures what it does to
the home page: dataset S on SQLite served as ``bench.run`` serves it, ``home_html`` measured idle, then again
while a thread reads PDFs one after another in the sandbox as a worker with a queue of documents would (the
worst case: it never pauses). Results: ``bench/results/documents.json`` unless ``--no-save``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from bench.run import RESULTS, log
from bench.server import REPO, Server, Target
from essaim.documents import sandbox
from essaim.documents.extract import Format, Limits, extract
from tests.documents import factories

PHRASE = "Réunion du comité de pilotage à Orléans : décisions, échéances et budget prévisionnel de l'été. "


def corpus() -> dict[Format, bytes]:
    paragraphs = [f"{n}. {PHRASE * 3}" for n in range(300)]
    slides = [[f"Diapositive {n}", PHRASE, PHRASE] for n in range(30)]
    rows: list[list[str | int]] = [[f"Ligne {n}", "Fournitures de bureau", n * 17, "Besançon"] for n in range(2000)]
    sheets = {"Budget": rows, "Dépenses": rows, "Prévisions": rows}
    return {
        Format.PDF: factories.pdf(["\n".join(PHRASE for _ in range(40)) for _ in range(20)]),
        Format.DOCX: factories.docx(paragraphs),
        Format.ODT: factories.odt(paragraphs),
        Format.PPTX: factories.pptx(slides),
        Format.ODP: factories.odp(slides),
        Format.XLSX: factories.xlsx(sheets),
        Format.ODS: factories.ods(sheets),
        Format.MARKDOWN: ("# Compte rendu\n\n" + "\n\n".join(paragraphs[:200])).encode(),
        Format.CSV: "\n".join(";".join(str(c) for c in row) for row in rows[:2000]).encode(),
        Format.TEXT: b"",  # the sandbox's own cost: a child started for nothing
    }


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(fmt: Format, data: bytes, runs: int) -> dict[str, Any]:
    limits, confinement = Limits(), sandbox.Confinement(timeout_s=120, nice=0)  # the work, not the machine's load
    chars = len(extract(data, fmt, limits).text)
    began = time.process_time()  # CPU, not wall: the machine is shared, its load moves wall time tenfold
    for _ in range(runs):
        extract(data, fmt, limits)
    in_process = max(time.process_time() - began, 1e-6) / runs
    began, cpu = time.perf_counter(), children_cpu_s()
    for _ in range(runs):
        result = sandbox.run(data, fmt, limits, confinement)
    wall, child_cpu = (time.perf_counter() - began) / runs, (children_cpu_s() - cpu) / runs
    assert result.status == "done" or not data, result
    return {
        "format": str(fmt),
        "file_kb": round(len(data) / 1024, 1),
        "chars": chars,
        "in_process_ms": round(in_process * 1000, 1),
        "files_per_s": round(1 / in_process, 1) if data else None,
        "mb_per_s": round(len(data) / 1024 / 1024 / in_process, 1),
        "sandbox_wall_ms": round(wall * 1000, 1),
        "sandbox_cpu_ms": round(child_cpu * 1000, 1),
        "child_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def table(rows: list[dict[str, Any]], write: Callable[[str], None] = print) -> None:
    write("| format | file kB | chars | in-process CPU ms | files/s | MB/s | sandbox wall ms | sandbox CPU ms |")
    write("|---|---|---|---|---|---|---|---|")
    for r in rows:
        write(
            f"| {r['format']} | {r['file_kb']} | {r['chars']:,} | {r['in_process_ms']} | {r['files_per_s']} "
            f"| {r['mb_per_s']} | {r['sandbox_wall_ms']} | {r['sandbox_cpu_ms']} |"
        )


def home_cost(duration_s: float) -> dict[str, Any]:
    """``home_html`` p50/p99 at each concurrency, idle and while documents are read beside it."""
    target = Target("S", "sqlite")
    os.environ.update(target.env())
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from bench import run as bench
    from essaim.core.management.commands.serve import default_threads, default_workers

    bench.ensure_dataset(target, force=False)
    fixtures, _pair, _space = bench.make_fixtures()
    home = next(op for op in bench.read_operations(fixtures) if op.name == "home_html")
    args = argparse.Namespace(duration=duration_s, warmup=1.0, max_requests=5000)
    server = Server(target, threads=default_threads(), workers=default_workers())
    server.start()
    pdf = corpus()[Format.PDF]
    stop, read = threading.Event(), [0]

    def reading() -> None:  # the worker's way: the sandbox at nice 10, one file after another
        while not stop.is_set():
            sandbox.run(pdf, Format.PDF, Limits(), sandbox.Confinement())
            read[0] += 1

    try:
        log("documents: home_html idle")
        idle = bench.measure(server, home, args)
        reader = threading.Thread(target=reading, daemon=True)
        reader.start()
        log("documents: home_html while PDFs are read")
        began = time.perf_counter()
        busy = bench.measure(server, home, args)
        elapsed = time.perf_counter() - began
        stop.set()
        reader.join()
    finally:
        server.stop()
    return {"idle": idle, "extracting": busy, "pdfs_per_s": round(read[0] / elapsed, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--home", action="store_true", help="also the home page's latency while documents are read")
    parser.add_argument("--duration", type=float, default=5.0, help="--home: measured seconds per concurrency")
    options = parser.parse_args()
    rows = []
    for fmt, data in corpus().items():
        log(f"documents: {fmt} ({len(data) // 1024} kB) × {options.runs}")
        rows.append(measure(fmt, data, options.runs))
    table(rows)
    results: dict[str, Any] = {"runs": options.runs, "formats": rows}
    if options.home:
        results["home_html"] = cost = home_cost(options.duration)
        for key, figures in cost["idle"].items():
            if key.startswith("c"):
                busy = cost["extracting"][key]
                print(
                    f"home_html {key}: p99 {figures['p99_ms']} ms idle, {busy['p99_ms']} ms while reading "
                    f"{cost['pdfs_per_s']} PDFs/s (p50 {figures['p50_ms']} → {busy['p50_ms']} ms)"
                )
    if not options.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "documents.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
