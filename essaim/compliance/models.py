"""Retention policies, legal holds, what a hold kept of deleted or changed content, and compliance exports.

- ``RetentionPolicy``: the network's (``space`` empty) or one space's: posts older than ``days`` are deleted or
  archived (hidden from everyone but their author and the space's moderators, kept for compliance) by the
  periodic job ``compliance.retention`` (``retention.py``). A space's own policy replaces the network's there.
- ``LegalHold``: on one person or one space, with a reason, until released. What it covers is never deleted
  by retention; what people delete or change under it is kept first (``PreservedContent``).
- ``PreservedContent``: a post or comment deleted, or a comment's earlier text, while a hold covered it: what
  the compliance export adds to what is still there. Ids, not foreign keys: the rows outlive their content.
- ``ComplianceExport``: everything a person or a space wrote over a date range, as a zip with a manifest,
  prepared by the task worker, for the compliance officer who asked.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.stream.models import attachment_storage

MAX_DAYS = 36_500  # a hundred years


class RetentionPolicy(models.Model):
    class Mode(models.TextChoices):
        DELETE = "delete", _("Delete")
        ARCHIVE = "archive", _("Archive (hide from feeds, keep for compliance)")

    space = models.ForeignKey(
        "spaces.Space",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("space"),
        db_index=False,  # ``retention_one_per_scope``
    )
    mode = models.CharField(_("what happens"), max_length=10, choices=Mode, default=Mode.ARCHIVE)
    days = models.PositiveIntegerField(
        _("after (days)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)]
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")
        constraints = [models.UniqueConstraint(Coalesce("space", 0), name="retention_one_per_scope")]

    def __str__(self) -> str:
        return f"{self.space_id or 'network'}: {self.mode} after {self.days} days"


class LegalHold(models.Model):
    """A hold on a person (everything they write, wherever) or a space (everything written in it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    space = models.ForeignKey(
        "spaces.Space", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("space")
    )
    reason = models.TextField(_("reason"), max_length=2000)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ("-placed_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True, space__isnull=False) | Q(user__isnull=False, space__isnull=True),
                name="legalhold_one_subject",
            )
        ]
        indexes = [models.Index(fields=["released_at"], name="legalhold_active")]

    def __str__(self) -> str:
        return f"hold on {'user ' + str(self.user_id) if self.user_id else 'space ' + str(self.space_id)}"


class PreservedContent(models.Model):
    class Kind(models.TextChoices):
        POST = "post", _("post")
        COMMENT = "comment", _("comment")
        COMMENT_VERSION = "comment_version", _("earlier version of a comment")

    class Why(models.TextChoices):
        DELETED = "deleted", _("deleted")
        EDITED = "edited", _("edited")

    kind = models.CharField(max_length=20, choices=Kind)
    why = models.CharField(max_length=10, choices=Why)
    original_id = models.BigIntegerField()  # the post's or the comment's id
    post_id = models.BigIntegerField()  # its post (a post's own id for a post)
    author_id = models.BigIntegerField()
    author_handle = models.CharField(max_length=150, blank=True)
    space_id = models.BigIntegerField(null=True, blank=True)
    written_at = models.DateTimeField()  # when the content was written (that version of it)
    preserved_at = models.DateTimeField(default=timezone.now)
    by_id = models.BigIntegerField(null=True, blank=True)  # who deleted or changed it; None: the system
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)  # earlier versions, reactions, comments, files kept

    class Meta:
        verbose_name = _("content kept under legal hold")
        verbose_name_plural = _("content kept under legal hold")
        indexes = [
            models.Index(fields=["author_id", "written_at"], name="preserved_by_author"),
            models.Index(fields=["space_id", "written_at"], name="preserved_by_space"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_id} ({self.why})"


class ComplianceExport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # ``complianceexport_by``
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    space = models.ForeignKey("spaces.Space", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    subject_label = models.CharField(_("whose"), max_length=200)
    since = models.DateField(_("from"))
    until = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    requested_at = models.DateTimeField(_("asked for"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    file = models.FileField(storage=attachment_storage, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64, blank=True, default="")
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("compliance export")
        verbose_name_plural = _("compliance exports")
        ordering = ("-requested_at", "-id")
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="complianceexport_by")]

    def __str__(self) -> str:
        return f"{self.subject_label} {self.since}–{self.until}"
