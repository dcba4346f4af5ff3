"""What the e-mail jobs remember: which digest each person got (one per period, never two)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DigestDelivery(models.Model):
    """``user``'s digest of ``period`` (``day:2026-12-07`` or ``week:2026-W50``, on their own calendar).

    A run claims a chunk of people at once (``claim``, ``claimed_at``), then stamps ``sent_at`` on each
    just before handing their e-mail to the mail server (cleared again if the server refuses it). A run
    that dies leaves rows without ``sent_at``: the next run takes them over once the claim is
    ``digests.CLAIM_LEASE`` old. The e-mail in flight when it died has its ``sent_at``: never sent twice.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    period = models.CharField(_("period"), max_length=20)
    claim = models.CharField(max_length=32)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="one_digest_per_period")]
        indexes = [
            models.Index(fields=["period"], name="digest_delivery_period"),
            models.Index(fields=["claim"], name="digest_delivery_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.period}"
