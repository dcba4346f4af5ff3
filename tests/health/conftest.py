"""What the health tests share: tasks queued in the database, and rows in the outbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from essaim.events.models import OutboxItem

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def tasks_in_database(settings: Any) -> None:
    """The production task backend (the tests run tasks at once, ``tests/pytest_env.py``)."""
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def queue_task(db: None) -> Callable[..., DBTaskResult]:
    """A task in django-tasks-db's table, enqueued ``waited`` seconds ago; ``status`` and ``run_after`` as given
    (no ``run_after``: to run as soon as a worker takes it)."""

    def queue(*, waited: float = 0, status: str = "READY", run_after: datetime | None = None) -> DBTaskResult:
        task = DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="essaim.stream.tasks.example",
            backend_name="default",
            status=status,
            run_after=run_after or get_date_max(),
        )
        DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - timedelta(seconds=waited))
        return task

    return queue


@pytest.fixture
def outbox_row(db: None) -> Callable[..., OutboxItem]:
    """An outbox row due ``waited`` seconds ago (negative: not yet due), given up on with ``failed``."""

    def row(*, waited: float = 0, failed: bool = False) -> OutboxItem:
        now = timezone.now()
        return OutboxItem.objects.create(
            consumer="test.consumer",
            kind="post.created",
            payload={},
            next_attempt_at=now - timedelta(seconds=waited),
            failed_at=now if failed else None,
        )

    return row
