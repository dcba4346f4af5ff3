"""``python -m bench.run --size S|M --db sqlite|postgres``: generate (or reuse) the dataset,
start the production stack on loopback, measure every operation at concurrency 1 and 16,
measure how fast a post reaches a follower's home feed and how fast a post in the largest
space reaches its last member's, and write ``bench/results/<SIZE>-<db>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import platform
import pstats
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.driver import LoadResult, Request, percentile, run_load, send
from bench.identities import Identity
from bench.operations import (
    Fixtures,
    IdeaVoter,
    Operation,
    SpaceReader,
    api_takes_a_space,
    post_create_candidates,
    probe,
    reaction_candidates,
    read_operations,
    search_matches,
    search_queries,
    space_post_request,
)
from bench.server import REPO, Server, Target, reset_postgres

RESULTS = REPO / "bench" / "results"
CONCURRENCY = (1, 16)


def log(message: str) -> None:
    print(message, flush=True)


# --- dataset ------------------------------------------------------------------------------


def fingerprint(size: str) -> dict[str, Any]:
    from django.db.migrations.loader import MigrationLoader

    from bench.dataset import DATASET_VERSION, SEED, code_fingerprint

    leaves = sorted(
        f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
    )
    return {"version": DATASET_VERSION, "code": code_fingerprint(), "size": size, "seed": SEED, "migrations": leaves}


def _stamp_path(target: Target) -> Path:
    return target.data_dir / "dataset.json"


def _database_people(target: Target) -> int:
    from django.db import DatabaseError, connections

    from essaim.accounts.models import User

    if target.db == "sqlite" and not target.sqlite_path.exists():
        return -1
    try:
        return User.objects.count()
    except DatabaseError:
        return -1
    finally:
        connections.close_all()


def _reset_database(target: Target) -> None:
    from django.db import connections

    connections.close_all()
    if target.db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target.sqlite_path}{suffix}").unlink(missing_ok=True)
        return
    reset_postgres(target.database_url)


def ensure_dataset(target: Target, *, force: bool) -> dict[str, Any]:
    """Reuse the dataset if its stamp matches this generator and these migrations; else rebuild it."""
    from django.core.management import call_command
    from django.db import connections

    from bench.dataset import SIZES, load_plan, make_plan

    size = SIZES[target.size]
    expected = fingerprint(target.size)
    path = _stamp_path(target)
    if not force and path.exists():
        stamp: dict[str, Any] = json.loads(path.read_text())
        if stamp.get("fingerprint") == expected and _database_people(target) == size.people:
            log(f"Reusing the {target.name} dataset ({path}).")
            return stamp
    log(f"Generating the {target.name} dataset…")
    began = time.perf_counter()
    path.unlink(missing_ok=True)
    _reset_database(target)
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter()
    plan = make_plan(size)
    planned = time.perf_counter()
    log(f"  planned in {planned - migrated:.1f} s")
    counts = load_plan(plan, log=log)
    connections.close_all()
    stamp = {
        "fingerprint": expected,
        "counts": counts,
        "end": plan.end.isoformat(),
        "ceo_followers": plan.follower_counts[0],
        "timings_s": {
            "migrate": round(migrated - began, 1),
            "plan": round(planned - migrated, 1),
            "load": round(time.perf_counter() - planned, 1),
            "total": round(time.perf_counter() - began, 1),
        },
    }
    path.write_text(json.dumps(stamp, indent=2))
    log(f"  done in {stamp['timings_s']['total']} s: {counts}")
    return stamp


# --- fixtures -----------------------------------------------------------------------------


def make_fixtures() -> tuple[Fixtures, dict[str, Any], dict[str, Any]]:
    from django.db import connections

    from bench.identities import (
        directory_names,
        identity_for,
        sample_people,
        space_reader_ids,
        space_visibility_target,
        visibility_pair,
    )
    from essaim.accounts.models import User
    from essaim.core.pagination import Cursor
    from essaim.spaces.models import Space
    from essaim.stream.models import Post, Tag
    from essaim.stream.post_rows import followed_tag_ids, home_page

    readers = [identity_for(pk) for pk in sample_people(200, seed=1)]
    writers = [identity_for(pk) for pk in sample_people(100, seed=2)]
    cursors = {}
    for reader in readers:  # the second page starts after the first page's last post
        rows = home_page(owner_id=reader.user_id, tag_ids=followed_tag_ids(reader.user_id), cursor=Cursor(limit=20))
        cursors[reader.user_id] = rows[19].pk if len(rows) > 20 else 2**62
    posts = list(
        Post.objects.filter(visibility="company", space__isnull=True, comment_count__gte=2)
        .order_by("-id")
        .values_list("id", flat=True)[:2000]
    )
    post_ids = random.Random(3).sample(posts, min(500, len(posts)))
    handles = list(User.objects.order_by("pk").values_list("handle", flat=True)[:500])
    tags = list(Tag.objects.order_by("pk").values_list("folded", flat=True)[:20])
    space_readers = [
        SpaceReader(identity_for(user_id), space_id, slug) for user_id, space_id, slug in space_reader_ids(100, seed=5)
    ]
    names = directory_names()
    queries = search_queries(names, count=300, seed=6) if names else []
    author, follower, followers = visibility_pair()
    # The follower polls with several tokens: the API's rate limit is per token, and polling is not reading.
    pair = {
        "author": identity_for(author),
        "followers_tokens": [identity_for(follower) for _ in range(10)],
        "followers": followers,
    }
    space_pair: dict[str, Any] = {"search": _search_profile(names, queries)}
    if Space.objects.exists():
        target = space_visibility_target()
        space_pair.update(
            target,
            author=identity_for(target["author"]),
            last_tokens=[identity_for(target["last"]) for _ in range(10)],
        )
    connections.close_all()
    fixtures = Fixtures(
        readers, writers, cursors, post_ids, handles, tags, space_readers, queries, idea_voters=_idea_voters()
    )
    return fixtures, pair, space_pair


def _idea_voters(count: int = 100) -> list[IdeaVoter]:
    """Members of the spaces whose idea box has ideas, each with one idea of their space to vote for."""
    from bench.identities import identity_for
    from essaim.ideas.models import Idea
    from essaim.spaces.models import Membership

    rng = random.Random(7)
    ideas: dict[int, list[int]] = {}
    for post_id, space_id in Idea.objects.values_list("post_id", "space_id"):
        ideas.setdefault(space_id, []).append(post_id)
    if not ideas:
        return []
    members = list(
        Membership.objects.filter(space_id__in=list(ideas), user__kind="employee")
        .values_list("user_id", "space_id", "space__slug")
        .order_by("pk")
    )
    picked = rng.sample(members, min(count, len(members)))
    return [IdeaVoter(identity_for(user_id), slug, rng.choice(ideas[space_id])) for user_id, space_id, slug in picked]


def _search_profile(names: list[str], queries: list[str]) -> dict[str, Any]:
    """How many listed spaces the typed queries find (a few find many, most find a handful), for the report."""
    if not queries:
        return {}
    matches = sorted(search_matches(names, q) for q in queries)
    return {
        "queries": len(queries),
        "listed_spaces": len(names),
        "matches_p10": matches[len(matches) // 10],
        "matches_p50": matches[len(matches) // 2],
        "matches_p90": matches[len(matches) * 9 // 10],
        "matches_max": matches[-1],
        "examples": queries[:8],
    }


# --- measuring ----------------------------------------------------------------------------


def wait_for_deliveries(timeout: float = 300.0) -> float:
    """Seconds until the task queue and the outbox are empty (every post delivered, every timeline rebuilt)."""
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    from essaim.events.models import OutboxItem

    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        busy = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()
        if not busy and not OutboxItem.objects.filter(failed_at__isnull=True).exists():
            break
        time.sleep(0.05)
    connections.close_all()
    return time.perf_counter() - began


def analyze_task_table() -> None:
    """Fresh statistics for the task table, as autovacuum keeps them on a running server.

    The dataset is analysed when it is generated, with the task table empty; the probes then
    fill it, and a run of seconds never waits for autovacuum. With the stale statistics PostgreSQL
    claimed each task by scanning every finished one (2 ms a task, against 0.4 ms)."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {DBTaskResult._meta.db_table}")


def summarise(result: LoadResult, operation: Operation, cpu_s: float, drain_s: float | None) -> dict[str, Any]:
    unexpected = sum(n for status, n in result.statuses.items() if status not in operation.ok_statuses)
    figures: dict[str, Any] = {
        "requests": result.count,
        "p50_ms": round(result.percentile(50), 2),
        "p99_ms": round(result.percentile(99), 2),
        "rps": round(result.rps, 1),
        "non_2xx": unexpected + result.errors,
        "cpu_s_per_1k": round(cpu_s / result.count * 1000, 2) if result.count else None,
        "client_cpu_s_per_1k": round(result.client_cpu_s / result.count * 1000, 2) if result.count else None,
        "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
    }
    if drain_s is not None:
        figures["delivery_drain_s"] = round(drain_s, 2)
        # Posts per second with delivery keeping up: the window stretched until the queue is empty.
        figures["delivered_rps"] = round(result.count / (result.elapsed_s + drain_s), 1) if result.count else 0.0
    return figures


def measure(server: Server, operation: Operation, args: argparse.Namespace) -> dict[str, Any]:
    figures: dict[str, Any] = {"via": operation.via}
    for concurrency in CONCURRENCY:
        before: dict[int, int] = {}

        def snapshot(before: dict[int, int] = before) -> None:
            before.update(server.cpu_snapshot())

        result = run_load(
            server.base_url,
            operation.factory,
            concurrency=concurrency,
            duration_s=args.duration,
            warmup_s=args.warmup,
            max_requests=args.max_requests,
            on_measure_start=snapshot,
        )
        drain = wait_for_deliveries() if operation.writes else None
        cpu = server.cpu_seconds_since(before, server.cpu_snapshot())
        figures[f"c{concurrency}"] = summary = summarise(result, operation, cpu, drain)
        summary["loadavg_1m"] = round(os.getloadavg()[0], 2)  # other work on the machine skews latencies
        log(
            f"  {operation.name:<17} c={concurrency:<2} p50 {summary['p50_ms']:>7.2f} ms"
            f"  p99 {summary['p99_ms']:>7.2f} ms"
            f"  {summary['rps']:>7.1f} req/s  cpu {summary['cpu_s_per_1k']} s/1k  non-2xx {summary['non_2xx']}"
            + (f"  delivered {summary['delivered_rps']}/s (drain {drain:.1f} s)" if drain is not None else "")
        )
    return figures


@dataclass
class _Pollers:
    """A reader polling their home feed JSON until a post shows, with several tokens (the API's rate
    limit is per token, and polling is not reading)."""

    tokens: Sequence[Identity]
    polls: int = 0
    throttled: int = 0

    async def until_visible(
        self, client: httpx.AsyncClient, post_id: str, created: float, timeout_s: float = 10.0
    ) -> float | None:
        """Milliseconds from ``created`` until ``post_id`` is in the home feed, or ``None`` after ``timeout_s``."""
        while time.perf_counter() - created < timeout_s:
            token = self.tokens[self.polls % len(self.tokens)]
            self.polls += 1
            poll = await send(client, Request("GET", "/api/v1/timelines/home?limit=20", token.bearer_headers()))
            self.throttled += poll.status_code == 429
            if poll.status_code == 200 and any(str(item.get("id")) == post_id for item in poll.json()):
                return (time.perf_counter() - created) * 1000
            await asyncio.sleep(0.005)
        return None

    def summary(self, latencies: list[float], *, trials: int, via: str) -> dict[str, Any]:
        return {
            "trials": trials,
            "p50_ms": round(percentile(latencies, 50), 1),
            "p99_ms": round(percentile(latencies, 99), 1),
            "max_ms": round(max(latencies), 1) if latencies else None,
            "missed": trials - len(latencies),
            "polls": self.polls,
            "throttled_polls": self.throttled,
            "via": via,
        }


async def _spread(trial: int) -> None:
    await asyncio.sleep(random.Random(trial).uniform(0.05, 0.3))  # spread over the worker's poll cycle


async def _visibility(server: Server, pair: dict[str, Any], post_op: Operation, trials: int) -> dict[str, Any]:
    author, pollers = pair["author"], _Pollers(pair["followers_tokens"])
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30.0) as client:
        for trial in range(trials):
            body = {"status": f"Visibility trial {trial} at {time.time():.3f}", "visibility": "public"}
            if post_op.via == "api":
                response = await send(client, Request("POST", "/api/v1/statuses", author.bearer_headers(), json=body))
                created = time.perf_counter()
                post_id = str(response.json()["id"])
            else:
                form = {"body": body["status"], "visibility": "company"}
                await send(client, Request("POST", "/posts/new", author.session_headers(csrf=True), form=form))
                created = time.perf_counter()
                post_id = await asyncio.to_thread(_latest_post_of, author.user_id)
            if (latency := await pollers.until_visible(client, post_id, created)) is not None:
                latencies.append(latency)
            await _spread(trial)
    return {"author_followers": pair["followers"], **pollers.summary(latencies, trials=trials, via=post_op.via)}


def _latest_post_of(user_id: int) -> str:
    from django.db import connections

    from essaim.stream.models import Post

    post_id = Post.objects.filter(author_id=user_id).order_by("-id").values_list("id", flat=True).first()
    connections.close_all()
    return str(post_id)


async def _space_via(server: Server) -> str:
    """``api`` when ``POST /api/v1/statuses`` documents a space to post into, else ``page`` (the composer)."""
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30.0) as client:
        response = await client.get("/api/openapi.json")
    return "api" if response.status_code == 200 and api_takes_a_space(response.json()) else "page"


async def _space_visibility(server: Server, space_pair: dict[str, Any], trials: int) -> dict[str, Any]:
    """A member posts into the largest space; its last-delivered member polls their home feed until it shows."""
    via = await _space_via(server)
    author, space_id = space_pair["author"], space_pair["space_id"]
    pollers = _Pollers(space_pair["last_tokens"])
    latencies: list[float] = []
    failed = 0
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30.0) as client:
        for trial in range(trials):
            body = f"Space visibility trial {trial} at {time.time():.3f}"
            response = await send(client, space_post_request(author, space_id, body, via=via))
            created = time.perf_counter()
            if response.status_code not in {200, 302}:
                failed += 1
                continue
            if via == "api":
                post_id = str(response.json()["id"])
            else:
                post_id = await asyncio.to_thread(_latest_post_of, author.user_id)
            if (latency := await pollers.until_visible(client, post_id, created)) is not None:
                latencies.append(latency)
            await _spread(trial)
    figures = pollers.summary(latencies, trials=trials - failed, via=via)
    return {
        "space_members": space_pair["members"],
        "audience": space_pair["audience"],
        **figures,
        "trials": trials,
        "failed_posts": failed,
    }


def profile_operation(name: str, fixtures: Fixtures, count: int) -> None:
    """Run ``count`` requests of one operation in-process under cProfile and print the hot spots.

    Writes (``post_create`` through the API) profile the request alone: their tasks are queued,
    not run, as no task worker runs here.
    """
    from django.test import Client

    candidates = [*read_operations(fixtures), *post_create_candidates(fixtures)[:1], *reaction_candidates(fixtures)[:1]]
    operation = {op.name: op for op in reversed(candidates)}[name]
    client = Client(SERVER_NAME="127.0.0.1")
    for i in range(20):
        _in_process(client, operation.factory(i))
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    for i in range(count):
        _in_process(client, operation.factory(i))
    profiler.disable()
    log(f"{name}: {(time.perf_counter() - began) / count * 1000:.2f} ms per request in-process (with cProfile)")
    if dump := os.environ.get("PROFILE_OUT"):  # the raw statistics, for pstats' callers and callees
        profiler.dump_stats(dump)
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(int(os.environ.get("PROFILE_LINES", "35")))
    stats.sort_stats("tottime").print_stats(20)


def _in_process(client: Any, request: Request) -> None:
    headers = dict(request.headers)
    body = json.dumps(request.json) if request.json is not None else ""
    response = client.generic(request.method, request.path, body, "application/json", headers=headers)
    if response.status_code >= 400:
        raise RuntimeError(f"{request.path}: {response.status_code}")


# --- entry point --------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--size", choices=["S", "M"], default="S")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per operation and concurrency")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds before each measure")
    parser.add_argument("--max-requests", type=int, default=5000, help="request budget per measure")
    parser.add_argument("--workers", type=int, default=None, help="web workers (default: manage.py serve's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per web worker (default: serve's)")
    parser.add_argument("--trials", type=int, default=40, help="visibility-latency trials")
    parser.add_argument("--space-trials", type=int, default=15, help="trials of a post in the largest space")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the dataset even if it is current")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated operations to measure (default: all)")
    parser.add_argument(
        "--profile", default="", help="profile one operation in-process (a read, post_create, reaction), not serving"
    )
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    target = Target(args.size, args.db)
    os.environ.update(target.env())
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    stamp = ensure_dataset(target, force=args.regenerate)
    if args.generate_only:
        return 0
    fixtures, pair, space_pair = make_fixtures()
    if args.profile:
        profile_operation(args.profile, fixtures, count=300)
        return 0

    wanted = {name for name in args.only.split(",") if name}
    from essaim.core.management.commands.serve import default_threads, default_workers

    args.workers = args.workers or default_workers()
    args.threads = args.threads or default_threads()
    server = Server(target, threads=args.threads, workers=args.workers)
    log(f"Starting the server ({server.workers} workers × {args.threads} threads, one task worker)…")
    server.start()
    results: dict[str, Any] = {}
    try:
        operations = read_operations(fixtures)
        post_op = asyncio.run(probe(server.base_url, post_create_candidates(fixtures), start=1_000_000))
        reaction_op = asyncio.run(probe(server.base_url, reaction_candidates(fixtures), start=1_000_000))
        operations += [op for op in (post_op, reaction_op) if op is not None]
        wait_for_deliveries()
        analyze_task_table()
        for operation in operations:
            if not wanted or operation.name in wanted:
                results[operation.name] = measure(server, operation, args)
        visibility = None
        if post_op is not None and (not wanted or "visibility" in wanted):
            log("Visibility latency…")
            visibility = asyncio.run(_visibility(server, pair, post_op, args.trials))
            log(
                f"  visibility p50 {visibility['p50_ms']} ms, p99 {visibility['p99_ms']} ms,"
                f" missed {visibility['missed']}"
            )
        space_visibility = None
        if "space_id" in space_pair and (not wanted or "space_visibility" in wanted):
            log(f"Space visibility latency ({space_pair['members']:,} members, {space_pair['audience']:,} timelines)…")
            space_visibility = asyncio.run(_space_visibility(server, space_pair, args.space_trials))
            wait_for_deliveries()
            log(
                f"  space visibility p50 {space_visibility['p50_ms']} ms, p99 {space_visibility['p99_ms']} ms,"
                f" missed {space_visibility['missed']} (via {space_visibility['via']})"
            )
        peak = server.peak_rss_mb()
    finally:
        server.stop()

    report = {
        "size": args.size,
        "database": args.db,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "dataset": {"counts": stamp["counts"], "generation_s": stamp.get("timings_s"), **stamp["fingerprint"]},
        "server": {
            "stack": "manage.py serve: granian (WSGI) + worker (db_worker and the outbox)",
            "workers": server.workers,
            "threads": args.threads,
            "startup_s": round(server.startup_s, 1),
        },
        "client": {"kind": "asyncio httpx, closed loop", "duration_s": args.duration, "warmup_s": args.warmup},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "loadavg_at_end": os.getloadavg()},
        "operations": {name: figures for name, figures in results.items() if name != "bare"},
        "bare": results.get("bare"),
        "visibility": visibility,
        "space_visibility": space_visibility,
        "space_search_queries": space_pair.get("search"),
        "peak_rss_mb": round(peak, 1),
    }
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{args.size}-{args.db}.json"
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        log(f"Results: {path.relative_to(REPO)} (peak RSS {peak:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
