"""``python -m bench.search --size S --db sqlite|postgres``: search over a benchmark dataset.

A new database takes dataset ``--size`` (``bench.dataset``); ``manage.py search_reindex``'s work
(``indexing.sync_posts`` in batches) indexes it, timed (posts/s), and the database's size is taken before and
after (the index's share). Then ``search.selectors`` answer ``--requests`` queries of each kind, for the member
of the most spaces and for a guest (a person of few spaces made external): a common word, a rare word (in 10
posts), a phrase, a common word in one space, a common word by one author, the second page by date, and the
suggestions for a prefix. Targets (issue 19): search p50 ≤ 15 ms, p99 ≤ 60 ms; suggestions p99 ≤ 20 ms; reindex
≥ 3,000 posts/s; the index ≤ 60 % of the database. Results: ``bench/results/search-<size>-<db>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.server import REPO, reset_postgres, standalone_env

RARE = "hippocampe"


def log(message: str) -> None:
    print(message, flush=True)


def database_bytes(path: Path | None) -> int:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute("PRAGMA page_count")
        pages = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA freelist_count")
        free = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA page_size")
        return (pages - free) * int(cursor.fetchone()[0])


def measure(call: Callable[[], Any], requests: int) -> dict[str, float]:
    timings = []
    for _ in range(requests):
        began = time.perf_counter()
        call()
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(timings[max(int(len(timings) * 0.99) - 1, 0)], 2),
    }


def prepare() -> dict[str, Any]:
    """Rare posts, a guest; returns the readers and what to ask."""
    from django.db.models import Count

    from essaim.accounts.models import User
    from essaim.spaces.models import Membership
    from essaim.stream.models import Post

    for post in Post.objects.order_by("?")[:10]:
        post.body = f"{post.body} {RARE}"
        post.save(update_fields=["body"])
    counts = Membership.objects.values("user_id").annotate(n=Count("id")).order_by("-n")
    member = User.objects.get(pk=counts[0]["user_id"])
    few = counts.reverse()[0]
    guest = User.objects.get(pk=few["user_id"])
    guest.kind = User.Kind.GUEST
    guest.save(update_fields=["kind"])
    space = (
        Membership.objects.filter(user=member)
        .values("space__slug")
        .annotate(n=Count("space__posts"))
        .order_by("-n")[0]["space__slug"]
    )
    sample = Post.objects.filter(space__isnull=True).order_by("id").values_list("body", flat=True)[0]
    phrase = " ".join(sample.split()[1:3])
    author = Post.objects.values("author__handle").annotate(n=Count("id")).order_by("-n")[0]["author__handle"]
    return {"member": member, "guest": guest, "space": space, "phrase": phrase, "author": author}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--size", default="S")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="essaim-search-") as directory:
        database_url = ""
        if args.db == "postgres":
            base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
            database_url = f"{base.rstrip('/')}/essaim_bench_search"
            reset_postgres(database_url)
        env = standalone_env(Path(directory), database_url, ESSAIM_ALLOWED_HOSTS="testserver")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"], cwd=REPO, env=env, check=True
        )
        os.environ.update(env)
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        from django.db import connection

        from bench.dataset import SIZES, load_plan, make_plan
        from essaim.search import indexing, selectors
        from essaim.search.models import SearchDocument
        from essaim.stream.models import Post

        load_plan(make_plan(SIZES[args.size]), log=lambda _line: None)
        SearchDocument.objects.all().delete()  # the dataset's rows go through the services' path below
        asked = prepare()
        before = database_bytes(None)
        ids = list(Post.objects.order_by("pk").values_list("pk", flat=True))
        began = time.perf_counter()
        for start in range(0, len(ids), 500):
            indexing.sync_posts(ids[start : start + 500])
        reindex_s = time.perf_counter() - began
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        after = database_bytes(None)
        rows = SearchDocument.objects.count()
        log(f"{len(ids):,} posts ({rows:,} rows) indexed in {reindex_s:.1f} s: {len(ids) / reindex_s:,.0f} posts/s")
        log(f"database {before / 1e6:.1f} MB → {after / 1e6:.1f} MB (+{(after - before) / before:.0%})")
        results: dict[str, dict[str, Any]] = {}
        for who in ("member", "guest"):
            actor = asked[who]
            kinds = {
                "common word": {"q": "projet"},
                "rare word": {"q": RARE},
                "phrase": {"q": f'"{asked["phrase"]}"'},
                "in one space": {"q": f"projet in:{asked['space']}"},
                "by one author": {"q": f"projet from:@{asked['author']}"},
                "by date": {"q": "client", "sort": "date"},
            }
            for name, query in kinds.items():
                selectors.search_for(actor=actor, **query)  # warm up
                results[f"{who}: {name}"] = measure(
                    lambda q=query, a=actor: selectors.search_for(actor=a, **q), args.requests
                )
            results[f"{who}: suggestions"] = measure(
                lambda a=actor: selectors.suggestions_for(actor=a, q="pro"), args.requests
            )
        if args.db == "postgres":
            connection.close()
    for name, figures in results.items():
        log(f"  {name}: p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms")
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": args.db,
        "size": args.size,
        "posts": len(ids),
        "rows": rows,
        "reindex_posts_per_s": round(len(ids) / reindex_s),
        "database_mb_before": round(before / 1e6, 1),
        "database_mb_after": round(after / 1e6, 1),
        "index_share": round((after - before) / before, 3),
        "requests_each": args.requests,
        "results": results,
    }
    if not args.no_save:
        path = REPO / "bench" / "results" / f"search-{args.size}-{args.db}.json"
        path.write_text(json.dumps(report, indent=2, default=str) + "\n")
        log(f"Results: {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
