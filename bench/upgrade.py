"""``python -m bench.upgrade --size toy|S|M --db sqlite|postgres``: this checkout's migrations, applied to the
previous release's database full of the benchmark's data.

1. The previous release's code (``PREVIOUS_RELEASE``: a tag and its commit) is exported from git into a
   temporary directory (``git archive``: nothing of this checkout leaks into it).
2. *That release's* generator makes the dataset with *its* migrations and *its* models, in a SQLite file or a
   fresh PostgreSQL database: the database a team running that release has.
3. This checkout's migrations run on it, forward, one at a time, each timed (``--bound`` seconds at most).
4. Then: every table both schemas have holds as many rows as before (a migration that must change a table's
   row count says so in ``ROWS_CHANGED_BY``), nothing is left to migrate, and a person's home page and home
   timeline answer with their posts.

``make test`` runs it on the toy dataset (tests/upgrades/), on SQLite and on PostgreSQL; ``make bench`` on the
benchmark's size, where the bound matters. Making a release: tag it (``git tag -a vX.Y.Z``) and write the tag
and its commit into ``PREVIOUS_RELEASE`` in the commit that opens the next one (docs/upgrades.md).
Results: ``bench/results/upgrade-<SIZE>-<db>.json`` unless ``--no-save``; the exit status is 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.server import REPO, reset_postgres, standalone_env


@dataclass(frozen=True)
class Release:
    tag: str
    commit: str


PREVIOUS_RELEASE = Release("v0.1.0", "fdea5694ee94cefb5c885a4de2cdba1617a9bb94")

# "app.migration" -> the tables whose row count it changes on purpose (a data migration that splits a table, say).
ROWS_CHANGED_BY: dict[str, set[str]] = {}
# Tables ``migrate`` itself adds rows to for new models (never removes: a stale content type stays).
GROWN_BY_MIGRATE = {"django_content_type", "auth_permission"}

# Run by the previous release's Python, in its own tree: its migrations, its generator.
GENERATE = """
import json, sys
import django
django.setup()
import essaim
from django.core.management import call_command
from bench.dataset import SIZES, load_plan, make_plan
call_command("migrate", verbosity=0, interactive=False)
counts = load_plan(make_plan(SIZES[sys.argv[1]]), log=lambda _line: None)
print(json.dumps({"essaim": essaim.__file__, "counts": counts}))
"""


class UpgradeError(Exception):
    """What went wrong, in words for the console."""


def log(message: str) -> None:
    print(message, flush=True)


def in_history(release: Release) -> bool:
    """Whether this clone's git history holds the release (an archive of Essaim has no history)."""
    found = subprocess.run(
        ["git", "cat-file", "-e", f"{release.commit}^{{commit}}"], cwd=REPO, capture_output=True, check=False
    )
    return found.returncode == 0


def export_release(release: Release, into: Path) -> None:
    """The release's tree, as committed, into ``into`` (which must exist)."""
    if not in_history(release):
        raise UpgradeError(
            f"the previous release ({release.tag}, {release.commit[:12]}) is not in this clone's history"
        )
    archive = subprocess.run(["git", "archive", release.commit], cwd=REPO, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)


def generate_with(tree: Path, size: str, env: dict[str, str]) -> dict[str, Any]:
    """The dataset, made by the release exported into ``tree``."""
    done = subprocess.run(
        [sys.executable, "-c", GENERATE, size], cwd=tree, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise UpgradeError(f"the previous release's generator failed:\n{done.stderr[-3000:]}")
    made: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if not Path(made["essaim"]).resolve().is_relative_to(tree.resolve()):
        raise UpgradeError(f"the generator ran this checkout's code ({made['essaim']}), not the release's")
    return made


def row_counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if t != "django_migrations"]
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a table's name
            counts[table] = int(cursor.fetchone()[0])
    return counts


def migrate_timed() -> list[dict[str, Any]]:
    """Apply every unapplied migration of this checkout, in order, each timed."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    timings: list[dict[str, Any]] = []
    began: list[float] = []

    def progress(action: str, migration: Any = None, fake: bool | None = False, /) -> None:
        if action == "apply_start":
            began.append(time.perf_counter())
        elif action == "apply_success":
            name = f"{migration.app_label}.{migration.name}"
            timings.append({"migration": name, "seconds": round(time.perf_counter() - began.pop(), 3)})

    executor = MigrationExecutor(connection, progress)
    targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets, plan=executor.migration_plan(targets))
    call_command("migrate", verbosity=0, interactive=False)  # nothing left to apply: post_migrate's work only
    return timings


def unapplied() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def rows_compared(before: dict[str, int], after: dict[str, int], applied: list[str]) -> list[str]:
    """The tables both schemas have whose row count changed without a migration saying it would (Django's
    content types and permissions may only grow: ``migrate`` adds those of new models)."""
    allowed = set().union(*(ROWS_CHANGED_BY.get(name, set()) for name in applied))
    return [
        f"{table}: {before[table]:,} rows before, {after[table]:,} after"
        for table in sorted(before.keys() & after.keys())
        if before[table] != after[table]
        and table not in allowed
        and not (table in GROWN_BY_MIGRATE and after[table] > before[table])
    ]


def pages_answer() -> list[str]:
    """A person of the dataset reads their home page and home timeline: what failed, if anything."""
    from django.db.models import Count
    from django.test import Client

    from essaim.accounts.models import User
    from essaim.stream.models import HomeEntry

    busiest = HomeEntry.objects.values("owner").annotate(entries=Count("post")).order_by("-entries", "owner").first()
    reader = User.objects.filter(pk=busiest["owner"]).first() if busiest else None
    if reader is None:
        return ["the dataset has nobody in it"]
    client = Client()
    client.force_login(reader)
    failed = []
    page = client.get("/")
    if page.status_code != 200:
        failed.append(f"the home page answered {page.status_code}")
    timeline = client.get("/api/v1/timelines/home")
    if timeline.status_code != 200 or not timeline.json():
        failed.append(f"the home timeline answered {timeline.status_code} with {len(timeline.content)} bytes")
    return failed


def run(args: argparse.Namespace, release: Release) -> dict[str, Any]:
    data_dir: Path = args.data_dir or REPO / "var" / "bench" / f"upgrade-{args.size}-{args.db}"
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = ""
    if args.db == "postgres":
        base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
        database_url = args.database_url or f"{base.rstrip('/')}/essaim_upgrade_{args.size.lower()}"
        reset_postgres(database_url)
    else:
        for suffix in ("", "-wal", "-shm"):
            (data_dir / f"essaim.sqlite3{suffix}").unlink(missing_ok=True)
    # DEBUG: static files found where they are, so that the pages render without collectstatic.
    env = standalone_env(data_dir, database_url, ESSAIM_DEBUG="1", ESSAIM_ALLOWED_HOSTS="testserver")
    with tempfile.TemporaryDirectory(prefix="essaim-release-") as tree:
        export_release(release, Path(tree))
        log(f"Generating the {args.size} dataset with {release.tag} ({release.commit[:12]})…")
        began = time.perf_counter()
        made = generate_with(Path(tree), args.size, env)
        generated_s = time.perf_counter() - began
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    before = row_counts()
    log(f"  {made['counts']} in {generated_s:.1f} s; migrating to this checkout…")
    timings = migrate_timed()
    after = row_counts()
    applied = [t["migration"] for t in timings]
    failures = rows_compared(before, after, applied)
    failures += [f"still unapplied: {name}" for name in unapplied()]
    failures += [
        f"{t['migration']} took {t['seconds']:.1f} s (bound: {args.bound:.0f} s)"
        for t in timings
        if t["seconds"] > args.bound
    ]
    failures += pages_answer()
    for timing in timings:
        log(f"  {timing['migration']}: {timing['seconds']:.3f} s")
    log(f"  {len(timings)} migrations in {sum(t['seconds'] for t in timings):.2f} s; {len(after)} tables checked")
    return {
        "size": args.size,
        "database": args.db,
        "from": {"tag": release.tag, "commit": release.commit},
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "dataset": made["counts"],
        "generation_s": round(generated_s, 1),
        "migrations": timings,
        "bound_s": args.bound,
        "tables": {
            "before": len(before),
            "after": len(after),
            "new": sorted(after.keys() - before.keys()),
            "dropped": sorted(before.keys() - after.keys()),
        },
        "failures": failures,
    }


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.upgrade", description=__doc__)
    parser.add_argument("--size", choices=["toy", "S", "M"], default="S")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default="", help="PostgreSQL: the database to (re)create and fill")
    parser.add_argument("--data-dir", type=Path, default=None, help="default: var/bench/upgrade-<SIZE>-<db>/")
    parser.add_argument("--bound", type=float, default=60.0, help="seconds one migration may take")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    try:
        report = run(args, PREVIOUS_RELEASE)
    except UpgradeError as error:
        log(f"Upgrade check failed: {error}")
        return 1
    for failure in report["failures"]:
        log(f"FAILED: {failure}")
    if not args.no_save:
        results = REPO / "bench" / "results"
        results.mkdir(parents=True, exist_ok=True)
        path = results / f"upgrade-{args.size}-{args.db}.json"
        path.write_text(json.dumps(report, indent=2) + "\n")
        log(f"Results: {path.relative_to(REPO)}")
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
