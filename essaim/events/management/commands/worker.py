"""``manage.py worker``: the task worker (``django-tasks-db``'s ``db_worker``, same options) with, in threads
beside it, the outbox's loop (``events.outbox``: durable event consumers) and the scheduler
(``core.schedule``: periodic jobs, one run per period across workers). ``manage.py serve`` starts one; a
scaled-out deployment runs as many as it likes (they share the work through the database)."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django_tasks_db.management.commands import db_worker

from essaim.core import schedule
from essaim.events import outbox


class Command(db_worker.Command):
    help = "Run the task worker, the outbox's loop (durable event consumers) and the scheduler (periodic jobs)."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        loops = [
            threading.Thread(
                target=outbox.run_forever,
                kwargs={"interval": options["interval"], "stop": stop},
                name="essaim-outbox",
                daemon=True,
            ),
            threading.Thread(
                target=schedule.run_forever,
                kwargs={"interval": float(getattr(settings, "SCHEDULER_INTERVAL_S", 5)), "stop": stop},
                name="essaim-scheduler",
                daemon=True,
            ),
        ]
        for loop in loops:
            loop.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
