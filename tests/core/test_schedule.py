"""Periodic jobs: one run per period however many workers tick, taken over when a run's worker died."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from essaim.core import schedule
from essaim.core.models import ScheduledRun

NOON = datetime(2026, 12, 7, 12, 0, 7, tzinfo=UTC)


@pytest.fixture
def job(db: None) -> Iterator[tuple[schedule.Job, list[datetime]]]:
    """A job every minute that records each run; alone in the registry for the test."""
    runs: list[datetime] = []
    saved = schedule.jobs()
    schedule._jobs.clear()
    schedule.periodic("tests.tick", every=timedelta(minutes=1), lease=timedelta(minutes=2))(lambda: runs.append(NOON))
    try:
        yield schedule.jobs()["tests.tick"], runs
    finally:
        schedule._jobs.clear()
        schedule._jobs.update(saved)


def test_periods_are_counted_from_the_epoch() -> None:
    assert schedule.period_start(NOON, timedelta(minutes=15)) == datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert schedule.period_start(NOON, timedelta(days=1)) == datetime(2026, 12, 7, tzinfo=UTC)


def test_one_run_per_period_whichever_worker_ticks(job: tuple[schedule.Job, list[datetime]]) -> None:
    _job, runs = job
    assert schedule.tick(now=NOON) == ["tests.tick"]
    assert schedule.tick(now=NOON + timedelta(seconds=30)) == [], "another worker, same minute"
    assert schedule.tick(now=NOON + timedelta(minutes=1)) == ["tests.tick"], "the next minute"
    assert len(runs) == 2
    assert ScheduledRun.objects.filter(finished_at__isnull=False).count() == 2


def test_a_run_whose_worker_died_is_taken_over_after_its_lease(db: None) -> None:
    runs: list[int] = []
    hourly = schedule.Job("tests.hourly", lambda: runs.append(1), every=timedelta(hours=1), lease=timedelta(minutes=2))
    assert schedule.claim(hourly, now=NOON) is not None  # claimed, then its worker died before it finished
    assert schedule.claim(hourly, now=NOON + timedelta(minutes=1)) is None, "its lease still runs"
    token = schedule.claim(hourly, now=NOON + timedelta(minutes=2, seconds=1))
    assert token is not None, "same hour, lease over: another worker takes it"
    assert schedule.run_claimed(hourly, token)
    run = ScheduledRun.objects.get()
    assert (run.attempts, run.finished_at is not None, runs) == (2, True, [1])
    assert schedule.claim(hourly, now=NOON + timedelta(minutes=30)) is None, "finished: not again this hour"


def test_a_failed_run_is_tried_again_a_minute_later_a_few_times(db: None) -> None:
    calls: list[int] = []

    def failing() -> None:
        calls.append(1)
        raise RuntimeError("the mail server is down")

    hourly = schedule.Job("tests.failing", failing, every=timedelta(hours=1), lease=timedelta(minutes=5))
    moment = NOON
    for _attempt in range(schedule.MAX_ATTEMPTS + 2):
        token = schedule.claim(hourly, now=moment)
        if token is not None:
            assert not schedule.run_claimed(hourly, token, ended=moment)
        moment += schedule.RETRY_AFTER + timedelta(seconds=1)
    assert len(calls) == schedule.MAX_ATTEMPTS
    run = ScheduledRun.objects.get()
    assert run.finished_at is None
    assert run.last_error == "RuntimeError: the mail server is down"


def test_the_email_jobs_are_registered() -> None:
    assert {"emails.notifications", "emails.digests"} <= set(schedule.jobs())
