"""``python -m bench.wal``: how long SQLite's WAL grows next to a small team's database under sustained writes.

A new site with the demo company (150 people, a few megabytes of database) takes posts from ``--writers``
threads and home-feed reads from ``--readers`` threads for ``--seconds`` seconds, through the services and
selectors the pages use, in one process with the checkpointer thread production has. A sampler reads the size
of the ``-wal`` file every 20 ms. Then the writes stop, and after ``--idle`` seconds the WAL is measured again
(the checkpointer cuts a long one once the writes stop).

``--fixed-threshold`` runs the same with the WAL restarted past a fixed 400 MB whatever the database's size (the
rule before ``checkpoints.restart_after``), for the comparison. Results: ``bench/results/wal[-fixed].json``
unless ``--no-save``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.server import REPO, standalone_env

MB = 1024 * 1024


def log(message: str) -> None:
    print(message, flush=True)


def size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def measure(args: argparse.Namespace, database: Path) -> dict[str, Any]:
    from django.db import connections

    from essaim.accounts.models import User
    from essaim.core.pagination import Cursor
    from essaim.stream import selectors, services

    people = list(User.objects.filter(is_active=True).order_by("pk"))
    connections.close_all()
    wal = Path(f"{database}-wal")
    stop = threading.Event()
    samples: list[int] = []
    posts = [0] * args.writers
    reads = [0] * args.readers

    def sample() -> None:
        while not stop.is_set():
            samples.append(size(wal))
            time.sleep(0.02)

    def write(index: int) -> None:
        rng = random.Random(index)
        try:
            while not stop.is_set():
                author = rng.choice(people)
                services.post_create(actor=author, body=f"Point d’étape n° {posts[index]} de {author.first_name}")
                posts[index] += 1
        finally:
            connections.close_all()

    def read(index: int) -> None:
        rng = random.Random(1000 + index)
        try:
            while not stop.is_set():
                selectors.feed_home(actor=rng.choice(people), cursor=Cursor())
                reads[index] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sample)]
    threads += [threading.Thread(target=write, args=(i,)) for i in range(args.writers)]
    threads += [threading.Thread(target=read, args=(i,)) for i in range(args.readers)]
    database_before = size(database)
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(args.seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    wal_at_stop = size(wal)
    time.sleep(args.idle)
    return {
        "seconds": round(elapsed, 1),
        "writers": args.writers,
        "readers": args.readers,
        "posts": sum(posts),
        "posts_per_s": round(sum(posts) / elapsed, 1),
        "home_reads_per_s": round(sum(reads) / elapsed, 1),
        "database_mb": {"before": round(database_before / MB, 1), "after": round(size(database) / MB, 1)},
        "wal_mb": {
            "max": round(max(samples, default=0) / MB, 1),
            "median": round(statistics.median(samples) / MB, 1) if samples else 0,
            "at_stop": round(wal_at_stop / MB, 1),
            f"after_{args.idle:.0f}_s_idle": round(size(wal) / MB, 1),
        },
    }


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.wal", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--idle", type=float, default=35.0, help="seconds without writes before the last look")
    parser.add_argument("--fixed-threshold", action="store_true", help="restart the WAL past 400 MB, as before")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    with tempfile.TemporaryDirectory(prefix="essaim-wal-") as directory:
        data_dir = Path(directory)
        env = standalone_env(
            data_dir, ESSAIM_DEBUG="0", ESSAIM_TASKS_BACKEND="django.tasks.backends.immediate.ImmediateBackend"
        )
        for command in (["migrate", "--no-input", "--verbosity", "0"], ["demo_data", "--no-photos"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=REPO, env=env, check=True, capture_output=True)
        os.environ.update(env)
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        from essaim.core.sqlite import checkpoints

        if args.fixed_threshold:
            checkpoints.RESTART_AFTER_AT_LEAST = checkpoints.RESTART_AFTER
        log(f"Sustained writes for {args.seconds:.0f} s ({args.writers} writers, {args.readers} readers)…")
        figures = measure(args, data_dir / "essaim.sqlite3")
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "threshold": "fixed 400 MB" if args.fixed_threshold else "checkpoints.restart_after (the database's size)",
        "machine": {"cpus": os.cpu_count()},
        **figures,
    }
    log(json.dumps(report, indent=2))
    if not args.no_save:
        results = REPO / "bench" / "results"
        results.mkdir(parents=True, exist_ok=True)
        path = results / ("wal-fixed.json" if args.fixed_threshold else "wal.json")
        path.write_text(json.dumps(report, indent=2) + "\n")
        log(f"Results: {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
