"""Reports of posts, comments and people, and what moderators decided: warnings and suspensions.

A report's target is one of three nullable foreign keys rather than a generic relation: real keys, joined and
indexed like any other (the queue's visibility rule is SQL on ``space_id``), and each set to NULL when its row
is deleted, so a report outlives the content it was about (the author's history counts removed posts).
``target_kind`` and ``target_key`` ("post:12", "comment:34", "person:56") still say what it was about then:
reports are grouped by that key in the queue, one open report per reporter and key is allowed (a partial unique
constraint, behind the service's message), and a decision resolves every open report of the key.

* a post: ``post`` set; ``author`` its author; ``space`` its space (None: outside spaces);
* a comment: ``comment`` and its ``post`` set (the post decides who may read it); ``author``, ``space`` alike;
* a person: ``author`` is the person reported; no post, no space.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REPORT_TEXT_MAX = 1000  # what a reporter may add to the reason
NOTE_MAX = 1000  # what a moderator says of their decision (a warning's message)


class Reason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    HARASSMENT = "harassment", _("Harassment or insult")
    CONFIDENTIAL = "confidential", _("Confidential information disclosed")
    DEFAMATION = "defamation", _("Defamation or false information")
    INAPPROPRIATE = "inappropriate", _("Inappropriate content")
    OTHER = "other", _("Something else")


class Decision(models.TextChoices):
    DISMISSED = "dismissed", _("No action needed")
    HIDDEN = "hidden", _("Post hidden")
    DELETED = "deleted", _("Content deleted")
    WARNED = "warned", _("Author warned")
    SUSPENDED = "suspended", _("Account suspended")


class TargetKind(models.TextChoices):
    POST = "post", _("post")
    COMMENT = "comment", _("comment")
    PERSON = "person", _("person")


class Report(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("reporter")
    )
    target_kind = models.CharField(_("about"), max_length=10, choices=TargetKind.choices)
    target_key = models.CharField(max_length=40)
    post = models.ForeignKey(
        "stream.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("post")
    )
    comment = models.ForeignKey(
        "stream.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("comment")
    )
    # Indexed by ``report_author``.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("author or person reported"),
        db_index=False,
    )
    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("space")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    details = models.TextField(_("details"), max_length=REPORT_TEXT_MAX, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("decision note"), max_length=NOTE_MAX, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_key"], condition=models.Q(status="open"), name="one_open_report_per_target"
            )
        ]
        indexes = [
            models.Index(fields=["status", "space"], name="report_queue"),
            models.Index(fields=["target_key", "status"], name="report_target"),
            models.Index(fields=["author", "-created_at"], name="report_author"),
        ]

    def __str__(self) -> str:  # no content: the raw admin and the log show it
        return f"Report #{self.pk} ({self.target_key})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ModerationWarning(models.Model):
    """A message a moderator sent to ``user`` about what they wrote; they mark it read on /moderation/warnings/."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"), db_index=False
    )
    message = models.TextField(_("message"), max_length=NOTE_MAX)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="warnings")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        indexes = [models.Index(fields=["user", "-created_at"], name="warning_user")]

    def __str__(self) -> str:
        return f"Warning #{self.pk} → {self.user_id}"


class Suspension(models.Model):
    """``user`` may not sign in before ``until`` (``selectors.suspension_for``, asked at every sign-in)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"), db_index=False
    )
    until = models.DateTimeField(_("until"))
    reason = models.TextField(_("reason"), max_length=NOTE_MAX)
    report = models.OneToOneField(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="suspension")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        indexes = [models.Index(fields=["user", "-until"], name="suspension_user")]

    def __str__(self) -> str:
        return f"Suspension of {self.user_id} until {self.until:%Y-%m-%d}"
