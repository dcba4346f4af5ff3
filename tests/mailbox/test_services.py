"""Keeping a sent message, and keeping the outbox bounded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone

from essaim.mailbox import services
from essaim.mailbox.models import OutboxMessage
from tests.mailbox.factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db


def keep(subject: str = "Hello") -> OutboxMessage:
    return services.outbox_message_keep(message=EmailMessage(subject, "Body", "a@example.com", ["b@example.com"]))


def test_the_newest_messages_are_kept_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "KEEP_MESSAGES", 3)
    for index in range(5):
        keep(f"n{index}")
    assert list(OutboxMessage.objects.order_by("id").values_list("subject", flat=True)) == ["n2", "n3", "n4"]


def test_messages_older_than_the_limit_are_forgotten() -> None:
    old = OutboxMessageFactory(created_at=timezone.now() - timedelta(days=services.KEEP_DAYS, minutes=1))
    recent = OutboxMessageFactory(created_at=timezone.now() - timedelta(days=services.KEEP_DAYS - 1))
    kept = keep()
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, kept.pk}
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()
