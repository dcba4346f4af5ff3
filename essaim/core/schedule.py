"""Periodic jobs: one run per period however many workers run, taken over when a worker dies mid-run.

A job is a function registered with ``@periodic("emails.digests", every=timedelta(hours=1))`` in a
module its app loads in ``AppConfig.ready()``. Every worker (``manage.py worker``, which ``serve``
starts) runs ``run_forever`` in a thread: every few seconds, for each job whose current period (the
clock floored to ``every``, counted from the Unix epoch) has no ``ScheduledRun`` row yet, it inserts
one and runs the job. The row's unique (job, period) lets exactly one worker win, on SQLite as on
PostgreSQL, with no lock held while the job runs. A run that has not finished when its ``lease``
ends (its worker died, or was killed by a deployment) is taken over by the next tick of any worker;
a run that failed is tried again after ``RETRY_AFTER``, at most ``MAX_ATTEMPTS`` times.

Jobs must be idempotent and look at what is owed rather than at the clock: the e-mail jobs send
what is waiting and mark each message sent as it goes, so a run taken over sends only the rest,
and a period missed entirely (every worker down for an hour) is caught up by the next run.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from essaim.core.models import ScheduledRun

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=1)
KEEP_RUNS = timedelta(days=14)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


Run = Callable[[], object]


@dataclass(frozen=True)
class Job:
    name: str
    run: Run
    every: timedelta
    lease: timedelta


_jobs: dict[str, Job] = {}


def periodic(name: str, *, every: timedelta, lease: timedelta | None = None) -> Callable[[Run], Run]:
    """``@periodic("emails.batches", every=timedelta(seconds=30))``: run the function once per ``every`` on one
    of the workers. ``lease``: how long a run may take before another worker takes it over (``every`` by
    default, at least a minute). ``name`` is what the table stores: keep it."""

    def register(run: Run) -> Run:
        if name in _jobs and _jobs[name].run is not run:
            raise ValueError(f"Two periodic jobs are named {name!r}.")
        _jobs[name] = Job(name, run, every, lease or max(every, timedelta(minutes=1)))
        return run

    return register


def jobs() -> dict[str, Job]:
    return dict(_jobs)


def period_start(moment: datetime, every: timedelta) -> datetime:
    """The start of the period of length ``every`` that ``moment`` falls in, periods counted from the epoch."""
    return _EPOCH + ((moment - _EPOCH) // every) * every


def claim(job: Job, *, now: datetime) -> str | None:
    """This worker's token for ``job``'s current period if it is to run it now: nobody ran it yet, or the
    worker that did left it unfinished past its lease (or failed, ``RETRY_AFTER`` ago); else ``None``."""
    start = period_start(now, job.every)
    token = uuid.uuid4().hex
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(
                job=job.name, period_start=start, claimed_by=token, lease_until=now + job.lease, started_at=now
            )
    except IntegrityError:
        taken = ScheduledRun.objects.filter(
            job=job.name, period_start=start, finished_at=None, lease_until__lt=now, attempts__lt=MAX_ATTEMPTS
        ).update(claimed_by=token, lease_until=now + job.lease, attempts=F("attempts") + 1, started_at=now)
        return token if taken else None
    ScheduledRun.objects.filter(job=job.name, period_start__lt=now - KEEP_RUNS).delete()
    return token


def run_claimed(job: Job, token: str, *, ended: datetime | None = None) -> bool:
    """Run ``job`` for the period ``token`` claimed; ``True`` when it finished. A failure is kept on the row
    and tried again ``RETRY_AFTER`` after it ended (``ended``: the clock's now unless a caller says, as a test
    on a clock of its own does), at most ``MAX_ATTEMPTS`` runs of one period."""
    mine = ScheduledRun.objects.filter(job=job.name, claimed_by=token)
    try:
        job.run()
    except Exception as exc:
        logger.exception("Scheduler: %s failed", job.name)
        retry_at = (ended or timezone.now()) + RETRY_AFTER
        mine.update(lease_until=retry_at, last_error=f"{type(exc).__name__}: {exc}"[:2000])
        return False
    mine.update(finished_at=timezone.now(), last_error="")
    return True


def tick(*, now: datetime | None = None) -> list[str]:
    """Run every job that is due on this worker; returns the names of those that ran."""
    ran = []
    for job in list(_jobs.values()):
        token = claim(job, now=now or timezone.now())
        if token is not None:
            run_claimed(job, token)
            ran.append(job.name)
    return ran


def run_forever(*, interval: float, stop: threading.Event) -> None:
    """The worker's scheduler loop, until ``stop`` is set: a tick every ``interval`` seconds."""
    while not stop.is_set():
        close_old_connections()
        try:
            tick()
        except Exception:
            logger.exception("Scheduler: the tick failed; trying again")
        stop.wait(interval)
