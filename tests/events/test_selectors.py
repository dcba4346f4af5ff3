"""The outbox's backlog as monitoring reads it: what is due, what was given up on, how long the oldest waits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from essaim.events.models import OutboxItem
from essaim.events.selectors import OutboxBacklog, outbox_backlog

pytestmark = pytest.mark.django_db


def _row(**fields: object) -> OutboxItem:
    return OutboxItem.objects.create(consumer="test.consumer", kind="post.created", payload={}, **fields)


def test_an_empty_outbox_has_nothing_due_and_no_age() -> None:
    assert outbox_backlog(now=timezone.now()) == OutboxBacklog(due=0, failed=0, oldest_due_at=None)


def test_due_rows_are_counted_from_the_one_due_first_and_failed_rows_apart() -> None:
    now = timezone.now()
    _row(next_attempt_at=now - timedelta(seconds=30))
    _row(next_attempt_at=now - timedelta(seconds=5))
    _row(next_attempt_at=now + timedelta(seconds=60))  # held by a worker, or waiting for its next attempt
    _row(next_attempt_at=now - timedelta(hours=2), failed_at=now - timedelta(hours=1))
    assert outbox_backlog(now=now) == OutboxBacklog(due=2, failed=1, oldest_due_at=now - timedelta(seconds=30))
