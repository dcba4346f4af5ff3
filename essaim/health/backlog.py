"""The work waiting for the task worker, as /readyz and /metrics report it, and when a worker was last seen.

Two queues: ``django-tasks-db``'s table of tasks (when it is the task backend: another backend keeps its
queue elsewhere, and its depth is then unknown here) and the outbox of durable event consumers
(``events.selectors.outbox_backlog``), which the same worker drains. Ages are in seconds, of the task or
row that has waited longest since it could have run; ``None`` when nothing waits. Two statements, each over
an index of what is waiting: finished tasks, however many are kept, are not read. A third reads the newest
periodic job's start (``worker_last_seen``): every worker's scheduler starts one every 30 s.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, Q
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from essaim.core.models import ScheduledRun
from essaim.events.selectors import outbox_backlog


@dataclass(frozen=True)
class Backlog:
    queued: int | None  # tasks ready to run now (None: the task backend is not the database's)
    oldest_s: float | None  # how long the oldest of them has waited since it could run
    outbox_due: int
    outbox_failed: int  # given up on after their attempts, kept for an administrator
    outbox_oldest_s: float | None
    # Since a task worker last started a periodic job (each worker's scheduler starts the notification e-mails'
    # run every ESSAIM_EMAIL_SEND_EVERY seconds); None when none ever has.
    worker_seen_s: float | None = None


def tasks_in_database() -> bool:
    """Whether the tasks are queued in ``django-tasks-db``'s table (``ESSAIM_TASKS_BACKEND``)."""
    backend = import_string(settings.TASKS[DEFAULT_TASK_BACKEND_ALIAS]["BACKEND"])
    return isinstance(backend, type) and issubclass(backend, DatabaseBackend)


def backlog() -> Backlog:
    now = timezone.now()
    queued, oldest = task_queue(now=now) if tasks_in_database() else (None, None)
    outbox = outbox_backlog(now=now)
    return Backlog(
        queued=queued,
        oldest_s=oldest,
        outbox_due=outbox.due,
        outbox_failed=outbox.failed,
        outbox_oldest_s=_age(now, outbox.oldest_due_at),
        worker_seen_s=_age(now, worker_last_seen()),
    )


def worker_last_seen() -> datetime.datetime | None:
    """When a task worker last started a periodic job: the newest scheduled run (by its key, an index)."""
    return ScheduledRun.objects.order_by("-pk").values_list("started_at", flat=True).first()


def task_queue(*, now: datetime.datetime) -> tuple[int, float | None]:
    """How many tasks are ready to run at ``now``, and the age of the oldest: since it was enqueued, or since
    its ``run_after`` for a deferred one (``django-tasks-db`` stores "no delay" as the largest date)."""
    never = get_date_max()
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).filter(
        Q(run_after=never) | Q(run_after__lte=now)
    )
    found = waiting.order_by().aggregate(
        queued=Count("pk"),
        oldest_enqueued=Min("enqueued_at", filter=Q(run_after=never)),
        oldest_deferred=Min("run_after", filter=~Q(run_after=never)),
    )
    starts = [at for at in (found["oldest_enqueued"], found["oldest_deferred"]) if at is not None]
    return found["queued"], _age(now, min(starts, default=None))


def _age(now: datetime.datetime, since: datetime.datetime | None) -> float | None:
    return None if since is None else round(max((now - since).total_seconds(), 0.0), 3)
