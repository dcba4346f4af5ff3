"""``python -m bench.live --size M``: the live pages under load, on the production stack (``manage.py serve``).

For each count of connected pages (``--clients``, 1,000 and 5,000 by default), each page a different
person's session on ``/live/events``:

* **memory**: the server's resident memory (every process) with the pages connected and idle, less
  before they connected, per 1,000 pages, the first time and again (see ``run_count``);
* **push**: a company-wide post (every employee may see it) written through the API, ``--trials``
  times; for each page, the time from the live event's commit (its stored time) to the page reading
  it, and from the request's start; p50 and p99 over every page and trial;
* **pages with pages open** (``--home``): the home page's throughput at concurrency 1 and 16 while the
  first count of pages stay connected, as ``bench.run`` measures it.

The pages are raw asyncio connections in this process (an httpx stream each cost too much CPU on the
two cores the server shares). Results: ``bench/results/live-<SIZE>-<db>.json`` unless ``--no-save``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from bench.driver import percentile
from bench.operations import Operation
from bench.run import RESULTS, ensure_dataset, log, make_fixtures, measure
from bench.server import LOOPBACK, REPO, Server, Target


@dataclass
class Page:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    received: dict[str, float] = field(default_factory=dict)  # post id → when the page read it


def memory(server: Server) -> dict[str, float]:
    """The server's memory in MB, every process: resident, of which private (``anon``) and file pages."""
    from bench.server import status_kb

    pids = server.pids()
    return {name: sum(status_kb(pid, key) for pid in pids) / 1024 for name, key in MEMORY.items()}


MEMORY = {"rss": "VmRSS", "anon": "RssAnon", "file": "RssFile"}


def difference(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before[name] for name in after}


def sessions(count: int) -> list[str]:
    """``count`` signed-in sessions, one per active employee (several tabs each on a dataset with fewer)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connections

    from essaim.accounts.models import User

    keys = []
    people = User.objects.filter(is_active=True, kind="employee").order_by("pk")[:count]
    for person in people:
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = "essaim.accounts.backends.ModelBackend"
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.create()
        keys.append(str(session.session_key))
    connections.close_all()
    return [keys[i % len(keys)] for i in range(count)]


async def connect(port: int, session_key: str) -> Page:
    reader, writer = await asyncio.open_connection(LOOPBACK, port, limit=1 << 20)
    writer.write(
        f"GET /live/events HTTP/1.1\r\nHost: {LOOPBACK}\r\nCookie: sessionid={session_key}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        raise RuntimeError(f"the stream answered {status!r}")
    await reader.readuntil(b"\r\n\r\n")
    return Page(reader, writer)


async def listen(page: Page) -> None:
    """Note when each post reaches the page (chunked framing lines are skipped: only SSE lines matter)."""
    kind = ""
    while True:
        line = await page.reader.readline()
        if not line:
            return
        if line.startswith(b"event: "):
            kind = line[7:].strip().decode()
        elif line.startswith(b"data: ") and kind == "post":
            page.received.setdefault(json.loads(line[6:])["post"], time.time())


async def connect_all(port: int, keys: list[str]) -> list[Page]:
    pages: list[Page] = []
    for start in range(0, len(keys), 200):  # in waves: a server accepts a burst of thousands slowly
        pages += await asyncio.gather(*(connect(port, key) for key in keys[start : start + 200]))
    return pages


def stored_at(post_id: str) -> float:
    from django.db import connections

    from essaim.realtime.models import LiveEvent

    event = LiveEvent.objects.filter(kind="post", data__post=post_id).order_by("pk").first()
    connections.close_all()
    return event.at.timestamp() if event else float("nan")


async def push_trials(server: Server, pages: list[Page], token: str, trials: int) -> dict[str, Any]:
    listeners = [asyncio.ensure_future(listen(page)) for page in pages]
    from_commit, from_request, missed = [], [], 0
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
        for trial in range(trials):
            await asyncio.sleep(0.5)
            started = time.time()
            response = await client.post(
                "/api/v1/statuses",
                headers={"Authorization": f"Bearer {token}"},
                json={"status": f"Live benchmark {trial} {started}", "visibility": "public"},
            )
            response.raise_for_status()
            post_id = str(response.json()["id"])
            if trial == 0:
                log(f"  first post {post_id}")
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and sum(post_id in p.received for p in pages) < len(pages):
                await asyncio.sleep(0.01)
            committed = await asyncio.to_thread(stored_at, post_id)
            for page in pages:
                if post_id in page.received:
                    from_commit.append((page.received[post_id] - committed) * 1000)
                    from_request.append((page.received[post_id] - started) * 1000)
                else:
                    missed += 1
    for task in listeners:
        task.cancel()
    return {
        "trials": trials,
        "commit_to_page_p50_ms": round(percentile(from_commit, 50), 1),
        "commit_to_page_p99_ms": round(percentile(from_commit, 99), 1),
        "request_to_page_p50_ms": round(percentile(from_request, 50), 1),
        "request_to_page_p99_ms": round(percentile(from_request, 99), 1),
        "missed": missed,
    }


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.live", description=__doc__)
    parser.add_argument("--size", choices=["S", "M"], default="S")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", default="1000,5000", help="comma-separated counts of connected pages")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--home", action="store_true", help="measure the home page with the first count connected")
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--no-save", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    target = Target(args.size, args.db)
    os.environ.update(target.env())
    sys.path.insert(0, str(REPO))
    import resource

    import django

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    django.setup()
    ensure_dataset(target, force=False)
    counts = [int(c) for c in args.clients.split(",") if c]
    fixtures, _pair, _space = make_fixtures()
    keys = sessions(max(counts))
    from bench.operations import read_operations

    (home_operation,) = [op for op in read_operations(fixtures) if op.name == "home_html"]
    from essaim.core.management.commands.serve import default_threads, default_workers

    server = Server(target, threads=default_threads(), workers=default_workers())
    log(f"Starting the server ({server.workers} workers)…")
    server.start()
    results: dict[str, Any] = {"clients": {}}
    try:
        for count in counts:
            time.sleep(2)
            home_op = home_operation if count == counts[0] and args.home else None
            figures, home = asyncio.run(run_count(server, keys[:count], fixtures.writers[0].token, args, home_op))
            results["clients"][str(count)] = figures
            if home:
                results["home_with_pages_open"] = home
            log(
                f"  {count} pages, MB per 1,000: first round {figures['first_round_mb_per_1000']},"
                f" steady {figures['steady_mb_per_1000']}; push commit→page"
                f" p50 {figures['push']['commit_to_page_p50_ms']} ms p99 {figures['push']['commit_to_page_p99_ms']} ms,"
                f" missed {figures['push']['missed']}"
            )
    finally:
        server.stop()
    report = {
        "size": args.size,
        "database": args.db,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "server": {"stack": "manage.py serve: granian (ASGI: essaim.asgi) + worker", "workers": server.workers},
        "machine": {"cpus": os.cpu_count(), "loadavg_at_end": os.getloadavg()},
        **results,
    }
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"live-{args.size}-{args.db}.json"
        path.write_text(json.dumps(report, indent=2) + "\n")
        log(f"Results: {path.relative_to(REPO)}")
    return 0


async def run_count(
    server: Server, keys: list[str], token: str, args: argparse.Namespace, home_op: Operation | None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    # Two rounds of the same pages. The first is what a server that never held as many costs: it includes
    # each process's database cache filling with these people's rows (SQLite's page cache, and its
    # memory-mapped file counted in resident memory: ``file``) and the allocators growing. The second,
    # after the first closed, is the steady cost of the connections themselves, memory being reused.
    first_before = memory(server)
    started = time.monotonic()
    pages = await connect_all(server.port, keys)
    connect_s = time.monotonic() - started
    log(f"  {len(pages)} pages connected in {connect_s:.1f} s")
    await asyncio.sleep(3)
    first = difference(memory(server), first_before)
    for page in pages:
        page.writer.close()
    await asyncio.sleep(3)
    before = memory(server)
    pages = await connect_all(server.port, keys)
    await asyncio.sleep(3)  # idle
    steady = difference(memory(server), before)
    push = await push_trials(server, pages, token, args.trials)
    home = await asyncio.to_thread(measure, server, home_op, args) if home_op is not None else None
    for page in pages:
        page.writer.close()
    per_1000 = 1000 / len(pages)
    figures = {
        "connect_s": round(connect_s, 1),
        "first_round_mb_per_1000": {name: round(mb * per_1000, 1) for name, mb in first.items()},
        "steady_mb_per_1000": {name: round(mb * per_1000, 1) for name, mb in steady.items()},
        "push": push,
    }
    return figures, home


if __name__ == "__main__":
    sys.exit(main())
