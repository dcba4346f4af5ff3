"""What the e-mail jobs remember: which digest each person got (one per period, never two)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DigestSent(models.Model):
    """``user`` got (or is being sent) their digest of ``period`` (``day:2026-12-07`` or ``week:2026-W50``, on
    their own calendar). Written before the e-mail is handed to the mail server and removed if the server
    refuses it: a worker killed mid-run never sends one twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    period = models.CharField(_("period"), max_length=20)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    claim = models.CharField(max_length=32, blank=True, default="")  # the run that wrote it

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="one_digest_per_period")]
        indexes = [
            models.Index(fields=["period"], name="digest_sent_period"),
            models.Index(fields=["claim"], name="digest_sent_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.period}"
