"""What a person is told: one row per notification, in their bell and on their notifications page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.core.ids import time_ordered_id


class Notification(models.Model):
    """Something that happened that concerns ``recipient``, by ``actor``.

    Reactions to one post are grouped while unread: a new reaction replaces the unread row with a new
    one (on top of the list) whose ``others`` says how many other people reacted ("Léa and 4 others").
    The objects it is about go with it (a deleted post takes its notifications); the list re-checks
    that the recipient may still see the post (``selectors``), so a post hidden since shows no more.
    """

    class Kind(models.TextChoices):
        MENTION = "mention", _("Mentions")
        COMMENT = "comment", _("Comments on my posts")
        REPLY = "reply", _("Replies to my comments")
        REACTION = "reaction", _("Reactions to my posts")
        FOLLOW = "follow", _("New followers")
        INVITATION = "invitation", _("Invitations to a space")
        JOIN_REQUEST = "join_request", _("Requests to join my spaces")
        JOIN_ANSWER = "join_answer", _("Answers to my requests to join")
        ANNOUNCEMENT = "announcement", _("Announcements")

    id = models.BigIntegerField(primary_key=True, default=time_ordered_id, editable=False)
    # Indexed by ``notification_list`` and ``notification_unread``.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    others = models.PositiveIntegerField(_("others"), default=0)
    post = models.ForeignKey("stream.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.ForeignKey("stream.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    accepted = models.BooleanField(_("accepted"), null=True, blank=True)
    # What it is about, once per recipient ("comment:42"): a consumer run twice (a worker that died
    # before it could say it was done) adds nothing. Empty for grouped reactions, replaced instead.
    source = models.CharField(max_length=60, blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "source"], condition=~models.Q(source=""), name="one_notification_per_source"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_list"),
            # The bell's count and the "Unread" tab.
            models.Index(
                fields=["recipient", "-id"], condition=models.Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"
