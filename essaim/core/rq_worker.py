"""The RQ side of ``manage.py worker`` when ``ESSAIM_TASKS=rq``: django-tasks-rq's jobs run by an RQ worker.

``SimpleWorker`` (jobs run in the worker's own process) rather than RQ's default forking one: a fork per job cost
more than most of Essaim's jobs (a delivery batch, a notification), and a forked child would inherit the thread
loops (outbox, scheduler) the worker runs beside RQ. Each job starts and ends as a request does for Django's
database connections (``close_old_connections``), so a connection broken meanwhile is never reused. RQ's own
scheduler (``with_scheduler``) runs the tasks enqueued with ``run_after``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.tasks import task_backends
from rq.worker import SimpleWorker


def backend_is_rq(alias: str = "default") -> bool:
    return type(task_backends[alias]).__module__.startswith("django_tasks_rq")


class EssaimWorker(SimpleWorker):
    def execute_job(self, job: Any, queue: Any) -> Any:
        close_old_connections()
        try:
            return super().execute_job(job, queue)
        finally:
            close_old_connections()


def run(*, queue_names: list[str], burst: bool = False, max_jobs: int | None = None, verbosity: int = 1) -> bool:
    """Work the RQ queues (``burst``: until they are empty); ``True`` when some job ran."""
    from django_rq.queues import get_queues
    from django_tasks_rq import Job

    names = [name for name in queue_names if name != "*"] or list(settings.RQ_QUEUES)
    queues = get_queues(*names, job_class=Job)
    worker = EssaimWorker(queues, connection=queues[0].connection, job_class=Job, queue_class=queues[0].__class__)
    level = "DEBUG" if verbosity >= 2 else "INFO" if verbosity == 1 else "WARNING"
    return bool(worker.work(burst=burst, with_scheduler=True, logging_level=level, max_jobs=max_jobs))
