"""Idea boxes: a space's box (turned on by its administrators), its ideas (posts of kind ``idea``), their votes.

An idea is a post (its text, comments, reactions, visibility and moderation are the post's) with one row
beside it: its status, set by the space's moderators with an official answer, and its vote count, kept
with the votes (``services.idea_vote_set`` recounts under the idea's row lock).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdeaBox(models.Model):
    """A space whose idea box is open: its members propose ideas there and its board lists them."""

    space = models.OneToOneField("spaces.Space", on_delete=models.CASCADE, primary_key=True, related_name="idea_box")
    enabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    enabled_at = models.DateTimeField(_("enabled"), default=timezone.now)

    class Meta:
        verbose_name = _("idea box")
        verbose_name_plural = _("idea boxes")

    def __str__(self) -> str:
        return f"ideas of {self.space_id}"


class IdeaStatus(models.TextChoices):
    NEW = "new", _("New")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


class Idea(models.Model):
    post = models.OneToOneField("stream.Post", on_delete=models.CASCADE, primary_key=True, related_name="idea")
    # The board reads a space's ideas: indexed with status and votes below.
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+", db_index=False)
    status = models.CharField(_("status"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.NEW)
    answer = models.TextField(_("official answer"), blank=True, default="", max_length=5000)
    answer_html = models.TextField(editable=False, blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    vote_count = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [
            models.Index(fields=["space", "-vote_count", "-post"], name="idea_board_votes"),
            models.Index(fields=["space", "status", "-vote_count"], name="idea_board_status"),
            models.Index(fields=["space", "-post"], name="idea_board_recent"),
        ]

    def __str__(self) -> str:
        return f"idea {self.post_id} ({self.status})"


class IdeaVote(models.Model):
    """One person's vote for an idea: one at most (the unique constraint decides, under concurrency too)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes", db_index=False)
    # "Which of these ideas did I vote for": the (user, idea) index.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("voted"), default=timezone.now)

    class Meta:
        verbose_name = _("vote for an idea")
        verbose_name_plural = _("votes for ideas")
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="one_vote_per_idea")]
        indexes = [
            models.Index(fields=["user", "idea"], name="idea_vote_mine"),
            # Trending: the votes of the last days, per idea.
            models.Index(fields=["created_at", "idea"], name="idea_vote_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"
