"""Watch rules and what they caught.

A ``WatchRule`` is written by a network administrator or a compliance officer: words, a pattern or a built-in
detector (``engine``), and what happens to a post or a comment that matches (``Action``). A ``WatchHit`` is one
match that someone must look at: a post held for review, or content published and reported to compliance. It
keeps the rule's name and an excerpt as they were, so it still reads right once the rule changes or goes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.watchrules import engine

NAME_MAX = 120
TERMS_MAX = 5000
EXPLANATION_MAX = 500


class WatchRule(models.Model):
    class Kind(models.TextChoices):
        WORDS = engine.WORDS, _("Words or phrases")
        PATTERN = engine.PATTERN, _("Pattern (regular expression)")
        IBAN = engine.IBAN, _("Bank account numbers (IBAN, checked)")
        NIR = engine.NIR, _("French social security numbers (checked)")
        CARD = engine.CARD, _("Payment card numbers (checked)")
        EMAIL = engine.EMAIL, _("E-mail addresses")

    class Action(models.TextChoices):
        WARN = "warn", _("Warn the author before publishing")
        HOLD = "hold", _("Hold for review")
        REPORT = "report", _("Publish and report to compliance")

    name = models.CharField(_("name"), max_length=NAME_MAX)
    kind = models.CharField(_("what to look for"), max_length=10, choices=Kind.choices, default=Kind.WORDS)
    terms = models.TextField(_("words or pattern"), max_length=TERMS_MAX, blank=True)
    explanation = models.TextField(_("explanation shown to the author"), max_length=EXPLANATION_MAX, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices, default=Action.WARN)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("watch rule")
        verbose_name_plural = _("watch rules")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def spec(self) -> engine.RuleSpec:
        return engine.RuleSpec(self.pk, self.name, self.kind, self.terms, self.action, self.explanation)


class WatchHit(models.Model):
    """A match someone must look at: ``action`` hold (the post waits, ``post.awaiting_approval``) or report
    (published, flagged). ``post`` and ``comment`` go NULL when the content is deleted; the hit stays."""

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        RESOLVED = "resolved", _("Reviewed")

    class Source(models.TextChoices):
        POST = "post", _("post")
        POST_EDIT = "post_edit", _("post edited")
        COMMENT = "comment", _("comment")
        COMMENT_EDIT = "comment_edit", _("comment edited")
        ATTACHMENT = "attachment", _("attached file's text")

    class Decision(models.TextChoices):
        NONE = "", _("none")
        APPROVED = "approved", _("Published")
        REJECTED = "rejected", _("Deleted")
        ACKNOWLEDGED = "acknowledged", _("Reviewed, nothing to do")

    rule = models.ForeignKey(WatchRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="hits")
    rule_name = models.CharField(_("rule"), max_length=NAME_MAX)
    action = models.CharField(_("action"), max_length=10, choices=WatchRule.Action.choices)
    source = models.CharField(_("found in"), max_length=20, choices=Source.choices)
    post = models.ForeignKey(
        "stream.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    comment = models.ForeignKey(
        "stream.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    attachment_id = models.BigIntegerField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    excerpt = models.TextField(_("excerpt"))
    published_before = models.BooleanField(default=False)  # a hold after publication (an edit, a file's text)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("found"), default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("watch rule match")
        verbose_name_plural = _("watch rule matches")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="watchhit_queue"),
            models.Index(fields=["post", "status"], name="watchhit_post"),
            models.Index(fields=["author", "-created_at"], name="watchhit_author"),
        ]

    def __str__(self) -> str:
        return f"Watch hit #{self.pk} ({self.rule_name})"

    @property
    def is_held(self) -> bool:
        return self.action == WatchRule.Action.HOLD and self.status == self.Status.OPEN and self.post_id is not None
