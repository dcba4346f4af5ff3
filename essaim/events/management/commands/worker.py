"""``manage.py worker``: the task worker (``django-tasks-db``'s ``db_worker``, same options) with, in threads
beside it, the outbox's loop (``events.outbox``: durable event consumers) and the scheduler
(``core.schedule``: periodic jobs, one run per period across workers). ``manage.py serve`` starts one; a
scaled-out deployment runs as many as it likes (they share the work through the database).

With ``ESSAIM_TASKS=rq`` the tasks come from RQ's queues on Redis instead (``core.rq_worker``; ``--queue-name``,
``--batch`` and ``--max-tasks`` mean the same), the outbox's loop and the scheduler still beside them."""

from __future__ import annotations

import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django_tasks_db.management.commands import db_worker

from essaim.core import rq_worker, schedule
from essaim.events import outbox


def _task_backend(name: str) -> str:
    return name if rq_worker.backend_is_rq(name) else db_worker.valid_backend_name(name)


class Command(db_worker.Command):
    help = "Run the task worker, the outbox's loop (durable event consumers) and the scheduler (periodic jobs)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        for action in parser._actions:  # db_worker's ``--backend`` takes database backends only; RQ's too here
            if action.dest == "backend_name":
                action.type = _task_backend

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
            if rq_worker.backend_is_rq(options.get("backend_name") or "default"):
                rq_worker.run(
                    queue_names=options["queue_name"].split(","),
                    burst=options["batch"],
                    max_jobs=options.get("max_tasks"),
                    verbosity=options["verbosity"],
                )
            else:
                super().handle(*args, **options)
        finally:
            stop.set()
