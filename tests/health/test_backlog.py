"""The work waiting for the task worker: tasks ready to run and the age of the oldest, the outbox's rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from essaim.core.models import ScheduledRun
from essaim.health.backlog import backlog, tasks_in_database

pytestmark = pytest.mark.django_db


def test_with_tasks_run_at_once_the_queue_is_not_in_the_database_and_its_depth_is_unknown() -> None:
    assert not tasks_in_database()  # the tests' immediate backend
    found = backlog()
    assert (found.queued, found.oldest_s) == (None, None)


@pytest.mark.usefixtures("tasks_in_database")
class TestTasksInTheDatabase:
    def test_an_empty_queue_has_no_age(self) -> None:
        found = backlog()
        assert (found.queued, found.oldest_s) == (0, None)

    def test_ready_tasks_are_counted_and_the_oldest_gives_the_age(self, queue_task) -> None:
        queue_task(waited=90)
        queue_task(waited=5)
        found = backlog()
        assert found.queued == 2
        assert found.oldest_s == pytest.approx(90, abs=2)

    def test_running_finished_and_deferred_tasks_do_not_wait(self, queue_task) -> None:
        queue_task(waited=600, status="RUNNING")
        queue_task(waited=600, status="SUCCESSFUL")
        queue_task(waited=600, run_after=timezone.now() + timedelta(hours=1))
        assert (backlog().queued, backlog().oldest_s) == (0, None)

    def test_a_deferred_task_waits_from_the_moment_it_could_run(self, queue_task) -> None:
        queue_task(waited=3600, run_after=timezone.now() - timedelta(seconds=20))
        found = backlog()
        assert found.queued == 1
        assert found.oldest_s == pytest.approx(20, abs=2)


def test_the_outbox_says_what_is_due_since_when_and_what_was_given_up_on(outbox_row) -> None:
    outbox_row(waited=40)
    outbox_row(waited=-60)
    outbox_row(waited=3600, failed=True)
    found = backlog()
    assert (found.outbox_due, found.outbox_failed) == (1, 1)
    assert found.outbox_oldest_s == pytest.approx(40, abs=2)


def test_a_worker_is_last_seen_when_it_last_started_a_periodic_job() -> None:
    assert backlog().worker_seen_s is None, "no worker yet"
    for ago in (300, 45):
        started = timezone.now() - timedelta(seconds=ago)
        ScheduledRun.objects.create(
            job="emails.notifications", period_start=started, claimed_by="w", lease_until=started, started_at=started
        )
    assert backlog().worker_seen_s == pytest.approx(45, abs=2)
