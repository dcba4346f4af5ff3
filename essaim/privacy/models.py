"""A person's archive of their own data (the GDPR's right of access and to portability), while it is kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.stream.models import attachment_storage


class DataExport(models.Model):
    """One archive asked for by its person: prepared by the task worker, downloadable by them alone, forgotten
    after ``privacy.services.KEEP`` (its file with it)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="data_exports",
        db_index=False,  # ``dataexport_user``
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    requested_at = models.DateTimeField(_("asked for"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    file = models.FileField(storage=attachment_storage, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("personal data archive")
        verbose_name_plural = _("personal data archives")
        indexes = [
            models.Index(fields=["user", "-requested_at"], name="dataexport_user"),
            models.Index(fields=["requested_at"], name="dataexport_requested"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.requested_at:%Y-%m-%d %H:%M}"
