"""``manage.py worker``: the task worker (``django-tasks-db``'s ``db_worker``, same options) with the
outbox's loop (``events.outbox``) in a thread beside it. ``manage.py serve`` starts one; a
scaled-out deployment runs as many as it likes (they share the work through the database)."""

from __future__ import annotations

import threading
from typing import Any

from django_tasks_db.management.commands import db_worker

from essaim.events import outbox


class Command(db_worker.Command):
    help = "Run the task worker and the outbox's loop (durable event consumers)."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        loop = threading.Thread(
            target=outbox.run_forever,
            kwargs={"interval": options["interval"], "stop": stop},
            name="essaim-outbox",
            daemon=True,
        )
        loop.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
