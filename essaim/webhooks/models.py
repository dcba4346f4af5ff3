"""Webhooks: incoming hooks that post into a space, and outgoing endpoints that receive Essaim's events.

An incoming hook posts as its own account (``account``: a ``User`` of kind ``bot``, made a member of the
space), so the permission model stays the one of people: the hook may post where its account may, and its
posts are marked as a webhook's wherever an author is drawn. Only a SHA-256 of its secret URL's token is kept:
the URL is shown once, and regenerated when lost.

An outgoing endpoint belongs to a space (its administrators manage it) or to the network (``space`` empty, the
network administrators'); ``owner`` is the person whose reading rights bound what its deliveries carry, checked
when each is sent. A ``Delivery`` is one event for one endpoint, written by the durable fan-out consumer and
sent by tasks, retried with back-off for a day (Standard Webhooks: same ``msg_id`` on every attempt).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IncomingWebhook(models.Model):
    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, related_name="+", verbose_name=_("space"), db_index=False
    )
    name = models.CharField(_("name"), max_length=80)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incoming_webhook", editable=False
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    post_count = models.PositiveIntegerField(_("posts"), default=0)

    class Meta:
        verbose_name = _("incoming webhook")
        verbose_name_plural = _("incoming webhooks")
        indexes = [models.Index(fields=["space", "created_at"], name="webhook_in_space")]

    def __str__(self) -> str:
        return self.name


class Endpoint(models.Model):
    """A URL that receives the events it subscribed to (``events``: names from ``webhooks.payloads.EVENTS``)."""

    space = models.ForeignKey(
        "spaces.Space",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("space"),
        db_index=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner"), db_index=False
    )
    url = models.URLField(_("URL"), max_length=1000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=300, blank=True)
    failure_streak = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("outgoing webhook")
        verbose_name_plural = _("outgoing webhooks")
        indexes = [
            models.Index(fields=["space", "is_active"], name="webhook_out_space"),
            models.Index(fields=["owner"], name="webhook_out_owner"),
        ]

    def __str__(self) -> str:
        return self.url


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent (no longer readable)")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    msg_id = models.CharField(max_length=40, unique=True)
    event_type = models.CharField(_("event"), max_length=40)
    event = models.JSONField(default=dict)  # the domain event's ids: what the body is built from when sent
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), null=True, blank=True)
    response_excerpt = models.CharField(_("response"), max_length=500, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # the log of an endpoint, newest first
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_log"),
            # the senders' question: what is due (pending rows only)
            models.Index(
                fields=["next_attempt_at", "endpoint"], condition=Q(state="pending"), name="webhook_delivery_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.state})"
