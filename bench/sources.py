"""``python -m bench.sources --db sqlite|postgres``: what filtering by source and muting cost a feed page.

A new database takes ``--people`` people in one space with an RSS feed (``--items`` items by its feed account),
an integration (a ``bot`` account) and the people's own posts, mixed; then the home feed and the space's page are
read through Django's whole stack (the test client), ``--requests`` times each: without a filter, filtered to
people, to feeds and to one integration, then again once the reader muted the feed. The filters and the mutes
are conditions of the page's own SQL (``stream.sources``), so the figures should stay those of the plain page.
Results: ``bench/results/sources-<db>.json`` unless ``--no-save``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.questions import log, measure
from bench.server import REPO, reset_postgres, standalone_env


def fill(people: int, items: int) -> dict[str, Any]:
    from essaim.accounts.models import User
    from essaim.accounts.services import feed_account_create
    from essaim.spaces.models import Membership, Space
    from essaim.stream import services as stream
    from essaim.stream.services import ImportedPost

    rng = random.Random(23)
    User.objects.bulk_create(
        [User(email=f"p{n}@bench.test", handle=f"p{n}", first_name="Personne", last_name=str(n)) for n in range(people)]
    )
    users = list(User.objects.order_by("pk"))
    space = Space.objects.create(name="Veille", slug="veille", visibility=Space.Visibility.PUBLIC, search_key="veille")
    bot = User.objects.create(email="bot@bench.invalid", handle="webhook-ci", first_name="CI", kind=User.Kind.BOT)
    Membership.objects.bulk_create(
        [Membership(space=space, user=u, role=Membership.Role.MEMBER) for u in [*users, bot]]
    )
    feed = feed_account_create(name="Les Échos")
    for start in range(0, items, 50):  # the feed's items, with people's posts and the bot's in between
        chunk = [ImportedPost(body=f"Dépêche {n}", body_html=f"<p>Dépêche {n}</p>") for n in range(start, start + 50)]
        stream.posts_import_unchecked(author=feed, space=space, items=chunk)
        for _ in range(3):
            stream.post_create(actor=users[rng.randrange(people)], body="Une nouvelle de l'équipe", space=space)
        stream.post_create(actor=bot, body="Build vert", space=space)
    return {"users": users, "feed": feed, "bot": bot}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sources", description=__doc__)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="essaim-sources-") as directory:
        database_url = ""
        if args.db == "postgres":
            base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
            database_url = f"{base.rstrip('/')}/essaim_bench_sources"
            reset_postgres(database_url)
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

        from essaim.stream import services as stream

        began = time.perf_counter()
        world = fill(args.people, args.items)
        log(f"filled in {time.perf_counter() - began:.0f} s")
        readers = []
        for user in world["users"][:20]:
            client = Client()
            client.force_login(user)
            readers.append(client)
        one = f"@{world['bot'].handle}"
        pages = {
            "home": "/",
            "home ?source=people": "/?source=people",
            "home ?source=feeds": "/?source=feeds",
            f"home ?source={one}": f"/?source={one}",
            "space": "/spaces/veille/",
            "space ?source=people": "/spaces/veille/?source=people",
        }
        results = {}
        for name, url in pages.items():  # each page warmed first (its cards cached), so the order does not count
            measure(readers, "get", url, {}, 40, ok={200})
            results[name] = measure(readers, "get", url, {}, args.requests, ok={200})
        for user in world["users"][:20]:
            stream.source_mute(actor=user, author=world["feed"])
        for name in ("home", "space"):
            measure(readers, "get", pages[name], {}, 40, ok={200})
            results[f"{name}, the feed muted"] = measure(readers, "get", pages[name], {}, args.requests, ok={200})
        if args.db == "postgres":
            connection.close()
    for name, figures in results.items():
        log(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": args.db,
        "people": args.people,
        "items": args.items,
        "requests_each": args.requests,
        "results": results,
    }
    if not args.no_save:
        path = REPO / "bench" / "results" / f"sources-{args.db}.json"
        path.write_text(json.dumps(report, indent=2, default=str) + "\n")
        log(f"Results: {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
