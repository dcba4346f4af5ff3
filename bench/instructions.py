"""``python -m bench.instructions --size M``: CPU instructions per request, counted by callgrind.

Wall-clock figures on a shared two-core machine move by tens of percent from one run to the
next (bench/README.md); an instruction count does not: the same code on the same data gives
the same number within a fraction of a percent, whatever else the machine is doing. Each
operation runs in-process (Django's test client, no HTTP server) under
``valgrind --tool=callgrind``: a child process warms up on ``--requests`` readers twice, then
turns counting on (``callgrind_control -i on``), serves each reader once more and turns it off.
The clock is frozen in the child so that post cards keep their "5 min ago" for the whole run, as
they do within a minute in production. Results: ``bench/results/<SIZE>-<db>-instructions.json``
(instructions per request, the ratio to ``bare`` and the database's state: ``bench.run``'s
``post_create`` adds posts, which changes the pages, so counts compare only on the same state),
and the table printed.

``--repo`` measures another checkout (``git worktree add /tmp/before <commit>``) on the same
dataset, for before/after ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.server import REPO, Target

OPERATIONS = ("bare", "home_html", "home_json", "post_page", "space_html")
RESULTS = REPO / "bench" / "results"


def _child(operation: str, count: int) -> None:
    """Run inside valgrind: warm up, then count ``count`` requests of ``operation``."""
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from bench.identities import identity_for, sample_people, space_reader_ids
    from essaim.stream.models import Post

    frozen = timezone.now()
    timezone.now = lambda: frozen  # the cards' relative times stay put during the run
    readers = [identity_for(pk) for pk in sample_people(count, seed=1)]
    posts = list(Post.objects.filter(visibility="company", space__isnull=True, comment_count__gte=2)[:count])
    spaces = [(identity_for(user_id), slug) for user_id, _space_id, slug in space_reader_ids(count, seed=5)]
    client = Client(SERVER_NAME="127.0.0.1")

    # Not ``bench.operations``' factories: their fixtures take 20 s to build, minutes under valgrind.
    def request(i: int) -> None:
        reader = readers[i]
        if operation == "bare":
            response = client.get("/bench/bare", headers=reader.session_headers())
        elif operation == "home_html":
            response = client.get("/", headers=reader.session_headers())
        elif operation == "home_json":
            response = client.get("/api/v1/timelines/home?limit=20", headers=reader.bearer_headers())
        elif operation == "post_page":
            response = client.get(f"/posts/{posts[i % len(posts)].pk}/", headers=reader.session_headers())
        else:
            member, slug = spaces[i]
            response = client.get(f"/spaces/{slug}/", headers=member.session_headers())
        if response.status_code != 200:
            raise RuntimeError(f"{operation}: {response.status_code}")

    for _ in range(2):
        for i in range(count):
            request(i)
    _toggle("on")
    for i in range(count):
        request(i)
    _toggle("off")


def _toggle(state: str) -> None:
    subprocess.run(["callgrind_control", "-i", state, str(os.getpid())], capture_output=True, check=False)


def count(repo: Path, target: Target, operation: str, requests: int) -> int:
    """Instructions per request of ``operation`` in the checkout at ``repo``."""
    # This file runs the child; Essaim and the dataset's helpers come from the measured checkout.
    env = {**target.env(), "PYTHONPATH": str(repo)}
    command = [
        "valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
        sys.executable, __file__, "--child", operation, "--requests", str(requests),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"{operation} under callgrind failed:\n{done.stderr[-2000:]}")
    return int(found.group(1)) // requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("--size", choices=["S", "M"], default="M")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout to measure (default: this one)")
    parser.add_argument("--only", default="", help="comma-separated operations")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.requests)
        return 0
    if not shutil.which("valgrind"):
        parser.error("valgrind is not installed (apt-get install valgrind)")
    target = Target(args.size, args.db)
    os.environ.update(target.env())
    import django

    django.setup()
    from django.core.management import call_command

    from bench.run import ensure_dataset

    ensure_dataset(target, force=False)
    call_command("collectstatic", interactive=False, verbosity=0)
    wanted = [name for name in OPERATIONS if not args.only or name in args.only.split(",")]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        measured = pool.map(lambda op: count(args.repo, target, op, args.requests), wanted)
        counts = dict(zip(wanted, measured, strict=True))
    bare = counts.get("bare")
    from essaim.stream.models import Post

    # ``bench.run`` writes posts (``post_create``): counts compare only on the same database state.
    state = {
        "posts": Post.objects.count(),
        "newest_post_id": Post.objects.order_by("-pk").values_list("pk", flat=True).first(),
    }
    report: dict[str, Any] = {
        "size": args.size,
        "database": args.db,
        "repo": str(args.repo),
        "requests": args.requests,
        "dataset_state": state,
        "instructions": counts,
        "ratio_to_bare": {name: round(n / bare, 2) for name, n in counts.items()} if bare else {},
    }
    for name, n in counts.items():
        ratio = f"{n / bare:5.1f} × bare" if bare else ""
        print(f"  {name:12s} {n / 1e6:7.2f} M instructions per request  {ratio}")
    print(f"  (database state: {state['posts']:,} posts, newest id {state['newest_post_id']})")
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"{args.size}-{args.db}-instructions.json"
        path.write_text(json.dumps(report, indent=2) + "\n")
        print(f"Written {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
