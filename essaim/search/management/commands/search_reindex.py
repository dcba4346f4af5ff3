"""``manage.py search_reindex``: rebuild the search index from the posts, comments and files, with a
progress bar, while the site serves.

Posts are rewritten in batches, each its own short transaction (``indexing.sync_posts``): readers see
the old rows of a batch until it commits, never a missing index; writes made meanwhile are indexed by
the durable consumer as usual (rewriting a post twice is harmless). Rows whose post is gone are removed
with their post already; ``--since ID`` rebuilds only posts from that id on (after a restore).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from essaim.search import indexing
from essaim.stream.models import Post

BATCH = 500


class Command(BaseCommand):
    help = "Rebuild the search index (posts, comments and files), batch by batch, while the site serves."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=int, default=0, help="Only posts with this id or a later one.")
        parser.add_argument("--batch", type=int, default=BATCH, help="Posts per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        posts = Post.objects.filter(pk__gte=options["since"]).order_by("pk")
        total = posts.count()
        done = rows = 0
        started = time.monotonic()
        last = options["since"] - 1
        while True:
            ids = list(posts.filter(pk__gt=last).values_list("pk", flat=True)[: options["batch"]])
            if not ids:
                break
            rows += indexing.sync_posts(ids)
            done += len(ids)
            last = ids[-1]
            self._progress(done, total, started)
        elapsed = max(time.monotonic() - started, 1e-9)
        self.stdout.write(
            f"\nIndexed {done} posts ({rows} rows) in {elapsed:.1f} s, {done / elapsed:.0f} posts/s.", ending="\n"
        )

    def _progress(self, done: int, total: int, started: float) -> None:
        width = 30
        share = done / total if total else 1.0
        bar = "#" * int(width * share) + "-" * (width - int(width * share))
        rate = done / max(time.monotonic() - started, 1e-9)
        self.stdout.write(f"\r[{bar}] {done}/{total} posts ({rate:.0f}/s)", ending="")
        if hasattr(sys.stdout, "flush"):
            self.stdout.flush()
