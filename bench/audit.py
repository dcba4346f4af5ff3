"""``python -m bench.audit --entries 1000000 --db sqlite|postgres``: the audit log viewer with a million entries.

A new database takes ``--entries`` entries (bulk inserts: 30 actors, every action, targets among 20,000 ids, over
a year), then a network administrator's requests to /manage/audit/ go through Django's whole stack in this
process (the test client: middleware, session, template), ``--requests`` of each kind: the first page, a page
deep in the log (``max_id``), and filtered by actor, by action, by a target's id, by a week, and by words of a
target's name (the one filter read through the table rather than an index). Target: p99 ≤ 30 ms.
Results: ``bench/results/audit-<db>.json`` unless ``--no-save``.
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
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.server import REPO, reset_postgres, standalone_env

TARGET_P99_MS = 30.0


def log(message: str) -> None:
    print(message, flush=True)


def fill(count: int) -> dict[str, Any]:
    """``count`` entries, 30 actors (the first a network administrator), a year of them; returns what to ask."""
    from essaim.accounts.models import User
    from essaim.audit.models import AuditAction, AuditEntry
    from essaim.audit.services import rebuild_target_labels

    rng = random.Random(7)
    actors = [
        User.objects.create(
            email=f"admin{i}@bench.test",
            handle=f"admin{i}",
            first_name="Admin",
            last_name=str(i),
            is_network_admin=True,
        )
        for i in range(30)
    ]
    actions = list(AuditAction.values)
    end = datetime.now(UTC)
    step = timedelta(days=365) / count
    batch: list[AuditEntry] = []
    for index in range(count):
        actor = actors[rng.randrange(len(actors))]
        target = rng.randrange(20_000)
        batch.append(
            AuditEntry(
                at=end - step * (count - index),
                actor_id=actor.pk,
                actor_name=f"{actor.first_name} {actor.last_name} (@{actor.handle})",
                action=actions[rng.randrange(len(actions))],
                target_type="accounts.user",
                target_id=str(target),
                target_label=f"Personne {target}",
                details={"role": "network_admin"},
            )
        )
        if len(batch) == 10_000:
            AuditEntry.objects.bulk_create(batch)
            batch.clear()
    AuditEntry.objects.bulk_create(batch)
    rebuild_target_labels()  # what ``record`` remembers entry by entry
    middle = AuditEntry.objects.order_by("id").values_list("id", flat=True)[count // 2]
    week = (end - timedelta(days=180)).date()
    return {"admin": actors[0], "middle_id": middle, "week": week}


def measure(client: Any, query: dict[str, Any], requests: int) -> dict[str, float]:
    """Wall time and this process's CPU time per request (SQLite runs in the process: on a quiet machine the two
    agree; on a shared one the CPU time is the work's own)."""
    from django.db import reset_queries

    timings, cpu = [], []
    for _ in range(requests):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get("/manage/audit/", query)
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        reset_queries()  # DEBUG keeps every query otherwise
        if response.status_code != 200:
            raise RuntimeError(f"{query}: {response.status_code}")
    return {**_percentiles(timings, ""), **_percentiles(cpu, "cpu_")}


def _percentiles(values: list[float], prefix: str) -> dict[str, float]:
    values = sorted(values)
    return {
        f"{prefix}p50_ms": round(statistics.median(values), 2),
        f"{prefix}p99_ms": round(values[int(len(values) * 0.99) - 1], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.audit", description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="essaim-audit-") as directory:
        database_url = ""
        if args.db == "postgres":
            base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
            database_url = f"{base.rstrip('/')}/essaim_bench_audit"
            reset_postgres(database_url)
        # DEBUG: static files found where they are (no collectstatic); the queries it keeps are dropped (measure).
        env = standalone_env(Path(directory), database_url, ESSAIM_DEBUG="1", ESSAIM_ALLOWED_HOSTS="testserver")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"], cwd=REPO, env=env, check=True
        )
        os.environ.update(env)
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        from django.db import connection
        from django.test import Client

        began = time.perf_counter()
        asked = fill(args.entries)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE audit_auditentry")
        filled_s = time.perf_counter() - began
        log(f"{args.entries:,} entries in {filled_s:.0f} s")
        client = Client()
        client.force_login(asked["admin"])
        queries = {
            "first page": {},
            "deep page (max_id)": {"max_id": asked["middle_id"]},
            "by actor": {"actor": "@admin3"},
            "by action": {"action": "space.role_changed"},
            "by target id": {"target": "4242"},
            "one week": {"since": asked["week"], "until": asked["week"] + timedelta(days=6)},
            "by words of a target's name": {"target": "Personne 4242"},
        }
        measure(client, {}, 20)  # warm up: templates, the session
        results = {name: measure(client, query, args.requests) for name, query in queries.items()}
        if args.db == "postgres":
            connection.close()
    for name, figures in results.items():
        log(
            f"  {name}: p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms; "
            f"CPU p50 {figures['cpu_p50_ms']} ms, p99 {figures['cpu_p99_ms']} ms"
        )
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": args.db,
        "entries": args.entries,
        "fill_s": round(filled_s, 1),
        "requests_each": args.requests,
        "target_p99_ms": TARGET_P99_MS,
        "results": results,
    }
    if not args.no_save:
        path = REPO / "bench" / "results" / f"audit-{args.db}.json"
        path.write_text(json.dumps(report, indent=2, default=str) + "\n")
        log(f"Results: {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
