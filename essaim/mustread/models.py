"""Must-read announcements: an announcement that asks the people it targets to confirm they read it.

The announcement is the stream's (``Post.is_announcement``, pinned on home feeds until it expires); the
``MustRead`` row beside it says that it asks for a confirmation, of whom (the post's audience, narrowed to a
department when it names one: ``access.rules.mustread.must_read_targets``), and keeps it pinned for each
person until they confirm (``ReadConfirmation``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MustRead(models.Model):
    post = models.OneToOneField("stream.Post", on_delete=models.CASCADE, primary_key=True, related_name="must_read")
    department = models.ForeignKey(
        "people.Department", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("department"),
    )  # fmt: skip
    required_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    reminders = models.PositiveIntegerField(_("reminders sent"), default=0)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    class Meta:
        verbose_name = _("must-read announcement")
        verbose_name_plural = _("must-read announcements")

    def __str__(self) -> str:
        return f"must-read {self.post_id}"


class ReadConfirmation(models.Model):
    must_read = models.ForeignKey(MustRead, on_delete=models.CASCADE, related_name="confirmations", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    confirmed_at = models.DateTimeField(_("confirmed"), default=timezone.now)

    class Meta:
        verbose_name = _("read confirmation")
        verbose_name_plural = _("read confirmations")
        constraints = [models.UniqueConstraint(fields=["must_read", "user"], name="one_confirmation_per_person")]
        indexes = [models.Index(fields=["user", "must_read"], name="read_confirmation_mine")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.must_read_id}"
