"""Mail received by the gateway (``manage.py mailgate``), kept from the moment it was accepted until it is done."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InboundMail(models.Model):
    """One message for one of Essaim's addresses, written before the gateway answers "250": a process that
    stops after that loses nothing, the outbox's consumer (``mailgate.consumers``) reads it when it can.

    Kept ``KEEP_DAYS`` once handled (``state`` and ``reason`` say what became of it: an audit of what
    came in by e-mail); the message itself is dropped once handled, keeping only its headers' summary.
    """

    class State(models.TextChoices):
        RECEIVED = "received", _("received")
        POSTED = "posted", _("posted")
        REFUSED = "refused", _("refused")
        DROPPED = "dropped", _("dropped")

    received_at = models.DateTimeField(_("received"), default=timezone.now)
    envelope_from = models.CharField(_("envelope sender"), max_length=320, blank=True)
    recipient = models.CharField(_("recipient"), max_length=320)
    message_id = models.CharField(max_length=998, blank=True)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    raw = models.BinaryField(editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RECEIVED)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    post_id = models.BigIntegerField(null=True, blank=True)
    comment_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("received e-mail")
        verbose_name_plural = _("received e-mails")
        indexes = [models.Index(fields=["received_at"], name="inbound_mail_received")]

    def __str__(self) -> str:
        return f"{self.recipient} ← {self.envelope_from}: {self.state}"
