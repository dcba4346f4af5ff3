"""The outbox: work that must not be lost, written in the transaction of the write that asks for it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxItem(models.Model):
    """One event for one durable consumer (``events.pipeline``), until the consumer has done its work.

    Written with the write that emitted the event, so a process that dies after the commit loses
    nothing. ``next_attempt_at`` is when the row is due: a worker that takes it moves it ``LEASE``
    seconds on (``claimed_by`` says which taking), so a worker killed mid-work leaves it due again
    once the lease is over; a consumer that fails moves it on by a growing pause and records the
    error; after ``MAX_ATTEMPTS`` the row stays with ``failed_at`` set, for an administrator to read.
    The row is deleted once done.
    """

    consumer = models.CharField(_("consumer"), max_length=100)
    kind = models.CharField(_("event"), max_length=100)
    payload = models.JSONField(_("event data"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_by = models.CharField(max_length=32, blank=True, default="")
    last_error = models.TextField(_("last error"), blank=True, default="")
    failed_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("outbox item")
        verbose_name_plural = _("outbox items")
        # The workers' one question: what is due, oldest first (the rows given up on are not).
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"], condition=models.Q(failed_at__isnull=True), name="outbox_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.consumer} ({self.attempts})"
