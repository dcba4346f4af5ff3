"""Polls: a post of kind ``poll`` carries one ``Poll``, its options and its votes.

Single or multiple choice, 2 to 10 options, an optional closing time, anonymous or named (said to voters
before they vote). Results show to whoever voted, and to everyone once the poll is closed. A vote can
change until the poll closes. The counts on ``PollOption`` and ``Poll`` are recounted from the votes by
each vote, the poll's row locked meanwhile (``services.poll_vote``), so they stay exact under concurrency.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.core.ids import time_ordered_id

MIN_OPTIONS = 2
MAX_OPTIONS = 10
OPTION_MAX_CHARS = 100


class Poll(models.Model):
    id = models.BigIntegerField(primary_key=True, default=time_ordered_id, editable=False)
    post = models.OneToOneField("stream.Post", on_delete=models.CASCADE, related_name="poll")
    multiple = models.BooleanField(_("several choices allowed"), default=False)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    hide_totals = models.BooleanField(_("hide the counts until it closes"), default=False)
    expires_at = models.DateTimeField(_("closes"), null=True, blank=True)
    votes_count = models.PositiveIntegerField(default=0, editable=False)
    voters_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self) -> str:
        return f"poll {self.pk} of {self.post_id}"

    @property
    def is_closed(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options", db_index=False)
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("option"), max_length=OPTION_MAX_CHARS)
    votes_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("poll option")
        verbose_name_plural = _("poll options")
        ordering = ("poll", "position")
        constraints = [models.UniqueConstraint(fields=["poll", "position"], name="poll_option_position")]

    def __str__(self) -> str:
        return self.title


class PollVote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes", db_index=False)
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("poll vote")
        verbose_name_plural = _("poll votes")
        constraints = [models.UniqueConstraint(fields=["option", "user"], name="poll_vote_once")]
        indexes = [
            models.Index(fields=["poll", "user"], name="poll_vote_poll_user"),
            models.Index(fields=["user"], name="poll_vote_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.option_id}"
