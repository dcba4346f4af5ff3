"""``python -m bench.compliance_export --posts 5000 --db sqlite|postgres``: a compliance export of a busy space.

A new database gets a secret space of 50 members with ``--posts`` posts spread over 500 days (about 1,200
characters each), two comments each, an earlier version for one post in five, three reactions each, and a
50 KB file on one post in 25; plus what a legal hold kept (one deleted comment in 50). Measured:

* **in the worker**: the export asked for through ``compliance.services.compliance_export_request`` and built
  by ``manage.py worker --batch`` (the real worker, a child process): the task's own time (its row's start to
  its end, against the target: ≤ 60 s), the worker's whole run (start-up and the scheduler's first jobs
  included) and the child's peak resident memory (``ru_maxrss``);
* **bounded memory**: the writer alone (``compliance.export.write``) under ``tracemalloc``, over the whole range
  and over a fifth of it: the peak of Python allocations does not grow with the number of posts.

Results: ``bench/results/compliance-export-<db>.json`` unless ``--no-save``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.server import REPO, reset_postgres, standalone_env

TARGET_S = 60.0
DAYS = 500
WORDS = ["conformité", "budget", "livrable", "réunion", "projet", "client", "fournisseur", "contrat", "échéance"]


def log(message: str) -> None:
    print(message, flush=True)


def _text(n: int, length: int) -> str:
    words = [WORDS[(n * 7 + i) % len(WORDS)] for i in range(length // 9)]
    return f"Message {n} : " + " ".join(words)


def build(posts: int) -> tuple[int, int]:
    """The dataset, written in bulk (the services' side effects are not what is measured); the officer's and
    the space's ids."""
    from django.core.files.base import ContentFile

    from essaim.accounts.models import User
    from essaim.compliance.models import PreservedContent
    from essaim.core.ids import time_ordered_id
    from essaim.spaces.models import Membership, Space
    from essaim.stream.models import Attachment, Comment, Post, PostRevision, Reaction

    now = datetime.now(UTC)
    space = Space.objects.create(name="Projet Orion", slug="projet-orion", visibility="secret")
    people = User.objects.bulk_create(
        User(email=f"p{n}@bench.example", handle=f"p{n}", first_name="P", last_name=str(n)) for n in range(50)
    )
    officer = User.objects.create(email="officer@bench.example", handle="officer", is_compliance_officer=True)
    Membership.objects.bulk_create(Membership(space=space, user=person) for person in people)
    emojis = ["👍", "🎉", "❤️"]
    for start in range(0, posts, 500):
        batch = []
        for n in range(start, min(start + 500, posts)):
            created = now - timedelta(days=DAYS * (posts - n) / posts)
            batch.append(
                Post(
                    id=time_ordered_id(),
                    author=people[n % 50],
                    space=space,
                    body=_text(n, 1200),
                    body_html=f"<p>{_text(n, 1200)}</p>",
                    created_at=created,
                    edited_at=created + timedelta(hours=1) if n % 5 == 0 else None,
                    comment_count=2,
                    attachment_count=1 if n % 25 == 0 else 0,
                    reaction_counts=dict.fromkeys(emojis, 1),
                )
            )
        Post.objects.bulk_create(batch)
        Comment.objects.bulk_create(
            Comment(id=time_ordered_id(), post=p, author=people[(i + k) % 50], body=_text(i + k, 300),
                    created_at=p.created_at + timedelta(minutes=10 * (k + 1)))
            for i, p in enumerate(batch) for k in range(2)
        )  # fmt: skip
        PostRevision.objects.bulk_create(
            PostRevision(post=p, body=_text(i, 1000), created_at=p.created_at, replaced_at=p.edited_at)
            for i, p in enumerate(batch)
            if p.edited_at
        )
        Reaction.objects.bulk_create(
            Reaction(post=p, user=people[(i + k) % 50], emoji=e)
            for i, p in enumerate(batch)
            for k, e in enumerate(emojis)
        )
        PreservedContent.objects.bulk_create(
            PreservedContent(kind="comment", why="deleted", original_id=time_ordered_id(), post_id=p.pk,
                             author_id=p.author_id, author_handle="p0", space_id=space.pk, written_at=p.created_at,
                             body=_text(i, 300))
            for i, p in enumerate(batch) if i % 50 == 0
        )  # fmt: skip
        for p in batch:
            if p.attachment_count:
                attachment = Attachment(
                    post=p, uploaded_by=p.author, original_name=f"rapport-{p.pk}.pdf", content_type="application/pdf",
                    size=50_000,
                )  # fmt: skip
                attachment.file.save(f"bench-{p.pk}.pdf", ContentFile(os.urandom(50_000)), save=False)
                attachment.save()
    return officer.pk, space.pk


def traced(officer_id: int, space_id: int, since: date, until: date, directory: Path) -> dict[str, Any]:
    """The writer alone, under tracemalloc: time, peak Python allocations, posts written."""
    from essaim.compliance import export
    from essaim.compliance.models import ComplianceExport

    row = ComplianceExport.objects.create(
        requested_by_id=officer_id, space_id=space_id, subject_label="Projet Orion", since=since, until=until
    )
    row = ComplianceExport.objects.select_related("requested_by", "space").get(pk=row.pk)
    tracemalloc.start()
    began = time.perf_counter()
    manifest = export.write(row, directory / f"traced-{row.pk}.zip")
    elapsed = time.perf_counter() - began
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "posts": manifest["counts"]["posts"],
        "seconds": round(elapsed, 2),
        "peak_python_mb": round(peak / 2**20, 1),
    }


def in_the_worker(officer_id: int, space_id: int, since: date, until: date, env: dict[str, str]) -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    from essaim.accounts.models import User
    from essaim.compliance import services
    from essaim.spaces.models import Space

    export = services.compliance_export_request(
        actor=User.objects.get(pk=officer_id), space=Space.objects.get(pk=space_id), since=since, until=until
    )
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "worker", "--batch"], cwd=REPO, env=env, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    elapsed = time.perf_counter() - began
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    export.refresh_from_db()
    task = DBTaskResult.objects.filter(task_path__endswith="compliance_export_build").get()
    return {
        "status": export.status,
        "task_seconds": round((task.finished_at - task.started_at).total_seconds(), 2),
        "worker_run_seconds": round(elapsed, 2),
        "worker_peak_rss_mb": round(peak_kb / 1024, 1),
        "zip_mb": round(export.size / 2**20, 1),
        "counts": export.counts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compliance_export", description=__doc__)
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="essaim-compliance-") as directory:
        database_url = ""
        if args.db == "postgres":
            base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
            database_url = f"{base.rstrip('/')}/essaim_bench_compliance"
            reset_postgres(database_url)
        env = standalone_env(Path(directory), database_url)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"], cwd=REPO, env=env, check=True
        )
        os.environ.update(env)
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        began = time.perf_counter()
        officer_id, space_id = build(args.posts)
        log(f"dataset: {args.posts} posts in {time.perf_counter() - began:.1f} s")
        today = datetime.now(UTC).date()
        whole = (today - timedelta(days=DAYS + 1), today)
        fifth = (today - timedelta(days=DAYS // 5), today)
        results = {
            "worker": in_the_worker(officer_id, space_id, *whole, env),
            "writer_whole_range": traced(officer_id, space_id, *whole, Path(directory)),
            "writer_fifth_of_the_range": traced(officer_id, space_id, *fifth, Path(directory)),
        }
        if args.db == "postgres":
            from django.db import connection

            connection.close()
    log(json.dumps(results, indent=2))
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": args.db,
        "posts": args.posts,
        "target_s": TARGET_S,
        "results": results,
    }
    if not args.no_save:
        path = REPO / "bench" / "results" / f"compliance-export-{args.db}.json"
        path.write_text(json.dumps(report, indent=2) + "\n")
        log(f"Results: {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
