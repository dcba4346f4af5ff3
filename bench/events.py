"""``python -m bench.events --size S|M --db sqlite|postgres``: the calendar's operations on the benchmark stack.

On the dataset of ``bench.run`` (its events: ``dataset.event_rows``), served as ``bench.run`` serves it, at
concurrency 1 and 16:

- ``event_page``: an event's page (``GET /events/<id>/``: the event, its post, the reader's answer, who comes)
  read by people who may see it (events outside spaces for the company, and of public spaces);
- ``event_json``: the same through the API (``GET /api/v1/events/<id>``);
- ``event_rsvp``: answering (``POST /api/v1/events/<id>/rsvp``), each person switching between going and maybe
  on open events (places and the waiting list included: the event's row is locked for each answer);
- ``events_mine``: one's upcoming events page (``GET /events/``).

Target (issue #20): the event page's p99 ≤ 25 ms. Results: ``bench/results/<SIZE>-<db>-events.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.driver import Request
from bench.operations import Operation
from bench.server import REPO, Server, Target

RESULTS = REPO / "bench" / "results"


def log(message: str) -> None:
    print(message, flush=True)


def event_ids(*, seed: int, count: int = 300, upcoming: bool = False) -> list[int]:
    """Events anyone in the company may see: outside spaces for the company, or in public spaces."""
    from django.db.models import Q
    from django.utils import timezone

    from essaim.calendar.models import Event

    events = Event.objects.filter(
        Q(post__space__isnull=True, post__visibility="company") | Q(post__space__visibility="public"),
        cancelled_at__isnull=True,
    )
    if upcoming:
        events = events.filter(ends_at__gt=timezone.now() + timedelta(hours=1))
    ids = sorted(events.values_list("pk", flat=True))
    return random.Random(seed).sample(ids, min(count, len(ids)))


def operations(readers: list[Any], writers: list[Any], events: list[int], open_events: list[int]) -> list[Operation]:
    def event_page(i: int) -> Request:
        return Request("GET", f"/events/{events[i % len(events)]}/", readers[i % len(readers)].session_headers())

    def event_json(i: int) -> Request:
        return Request("GET", f"/api/v1/events/{events[i % len(events)]}", readers[i % len(readers)].bearer_headers())

    def event_rsvp(i: int) -> Request:
        who = writers[i % len(writers)]
        event = open_events[(i // len(writers)) % len(open_events)]
        answer = "going" if (i // (len(writers) * len(open_events))) % 2 == 0 else "maybe"
        return Request("POST", f"/api/v1/events/{event}/rsvp", who.bearer_headers(), json={"answer": answer})

    def events_mine(i: int) -> Request:
        return Request("GET", "/events/", readers[i % len(readers)].session_headers())

    return [
        Operation("event_page", event_page, via="page"),
        Operation("event_json", event_json),
        Operation("event_rsvp", event_rsvp, writes=True),
        Operation("events_mine", events_mine, via="page"),
    ]


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.events", description=__doc__)
    parser.add_argument("--size", choices=["S", "M"], default="S")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated operations to measure (default: all)")
    parser.add_argument("--no-save", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    target = Target(args.size, args.db)
    os.environ.update(target.env())
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.db import connections

    from bench.identities import identity_for, sample_people
    from bench.run import ensure_dataset, measure
    from essaim.core.management.commands.serve import default_threads, default_workers

    stamp = ensure_dataset(target, force=args.regenerate)
    readers = [identity_for(pk) for pk in sample_people(100, seed=11)]
    writers = [identity_for(pk) for pk in sample_people(50, seed=12)]
    events, open_events = event_ids(seed=13), event_ids(seed=14, count=50, upcoming=True)
    connections.close_all()
    log(f"{len(events)} events to read, {len(open_events)} open ones to answer")
    args.workers = args.workers or default_workers()
    args.threads = args.threads or default_threads()
    server = Server(target, threads=args.threads, workers=args.workers)
    server.start()
    wanted = {name for name in args.only.split(",") if name}
    results: dict[str, Any] = {}
    try:
        for operation in operations(readers, writers, events, open_events):
            if not wanted or operation.name in wanted:
                results[operation.name] = measure(server, operation, args)
        peak = server.peak_rss_mb()
    finally:
        server.stop()
    report = {
        "size": args.size,
        "database": args.db,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "dataset": {"events": stamp["counts"].get("events"), "rsvps": stamp["counts"].get("rsvps")},
        "server": {"workers": server.workers, "threads": args.threads},
        "machine": {"cpus": os.cpu_count(), "loadavg_at_end": os.getloadavg()},
        "operations": results,
        "peak_rss_mb": round(peak, 1),
    }
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{args.size}-{args.db}-events.json"
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        log(f"Results: {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
