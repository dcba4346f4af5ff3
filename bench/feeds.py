"""``python -m bench.feeds --items 500 --members 200 --db sqlite|postgres``: importing a feed.

A new database gets a space with ``--members`` members (each new post goes to their home timelines); a real
HTTP server on loopback (allow-listed with ``ESSAIM_FETCH_ALLOW``) serves an RSS 2.0 feed of ``--items``
items with HTML summaries, ETag and Last-Modified. Measured, ``--runs`` times each on a fresh feed:

* **first import**: ``feeds.importing.poll`` fetching, parsing and posting every item (target: 500 items
  ≤ 2 s);
* **nothing new**: the same document fetched again without its ETag (every item is already known);
* **304**: the conditional GET the poll sends next.

Results: ``bench/results/feeds-<db>.json`` unless ``--no-save``.
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.server import REPO, reset_postgres, standalone_env

TARGET_S = 2.0


def log(message: str) -> None:
    print(message, flush=True)


def rss(items: int) -> bytes:
    entries = "".join(
        f"""<item><title>Industry news number {n}</title><link>https://news.example.com/articles/{n}</link>
<guid isPermaLink="false">urn:bench:{n}</guid><pubDate>Mon, 07 Dec 2026 10:{n % 60:02d}:00 +0000</pubDate>
<description><![CDATA[<p>A summary of article {n}, with <strong>bold</strong> words, a
<a href="https://news.example.com/{n}">link</a> and <em>a few</em> sentences to sanitise.</p>]]></description></item>"""
        for n in range(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench news</title>'
        f"<link>https://news.example.com/</link><description>Bench</description>{entries}</channel></rss>"
    ).encode()


def serve(body: bytes) -> tuple[Any, int]:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if self.headers.get("If-None-Match") == '"bench"':
                self.send_response(304)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", '"bench"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, int(server.server_address[1])


def measure(items: int, members: int, runs: int, port: int) -> dict[str, Any]:
    from essaim.accounts.models import User
    from essaim.accounts.services import feed_account_create
    from essaim.feeds import importing
    from essaim.feeds.models import Feed
    from essaim.spaces.models import Membership, Space

    space = Space.objects.create(name="Bench", slug="bench")
    people = User.objects.bulk_create(
        User(email=f"p{n}@bench.example", handle=f"p{n}", first_name="P", last_name=str(n)) for n in range(members)
    )
    Membership.objects.bulk_create(Membership(space=space, user=person) for person in people)
    first, first_cpu, again, not_modified, posted = [], [], [], [], []
    for run in range(runs):
        feed = Feed.objects.create(
            space=space, url=f"http://127.0.0.1:{port}/feed.xml?run={run}", account=feed_account_create(name="B")
        )
        began, cpu = time.perf_counter(), time.process_time()
        posted.append(importing.poll(feed.pk).imported)
        first.append(time.perf_counter() - began)
        first_cpu.append(time.process_time() - cpu)  # this process's CPU: less moved by a busy machine
        Feed.objects.filter(pk=feed.pk).update(etag="")
        began = time.perf_counter()
        importing.poll(feed.pk, claimed=True)
        again.append(time.perf_counter() - began)
        began = time.perf_counter()
        importing.poll(feed.pk, claimed=True)
        not_modified.append(time.perf_counter() - began)

    def figures(values: list[float]) -> dict[str, float]:
        return {"median_s": round(statistics.median(values), 3), "max_s": round(max(values), 3)}

    return {
        "posted_each_run": posted,
        "first_import": figures(first),
        "first_import_cpu": figures(first_cpu),
        "nothing_new": figures(again),
        "not_modified_304": figures(not_modified),
        "per_item_ms": round(1000 * statistics.median(first) / max(items, 1), 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.feeds", description=__doc__)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    args = parser.parse_args(argv)
    server, port = serve(rss(args.items))
    with tempfile.TemporaryDirectory(prefix="essaim-feeds-") as directory:
        database_url = ""
        if args.db == "postgres":
            base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
            database_url = f"{base.rstrip('/')}/essaim_bench_feeds"
            reset_postgres(database_url)
        env = standalone_env(Path(directory), database_url, ESSAIM_FETCH_ALLOW="127.0.0.1")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"], cwd=REPO, env=env, check=True
        )
        os.environ.update(env)
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        results = measure(args.items, args.members, args.runs, port)
        if args.db == "postgres":
            from django.db import connection

            connection.close()
    server.shutdown()
    log(f"{args.items} items, {args.members} members: {results}")
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": args.db,
        "items": args.items,
        "members": args.members,
        "target_s": TARGET_S,
        "results": results,
    }
    if not args.no_save:
        path = REPO / "bench" / "results" / f"feeds-{args.db}.json"
        path.write_text(json.dumps(report, indent=2) + "\n")
        log(f"Results: {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
