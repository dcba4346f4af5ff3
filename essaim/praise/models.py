"""Praise: a post of kind ``praise`` that recognises one or several colleagues with a badge.

A person's profile shows the praise they received, its count and the latest (``selectors``): never a ranking.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_PRAISED = 10


class Badge(models.TextChoices):
    THANKS = "thanks", _("Thank you")
    TEAMWORK = "teamwork", _("Teamwork")
    EXPERTISE = "expertise", _("Expertise")
    EXTRA_MILE = "extra_mile", _("Going the extra mile")
    HELPFUL = "helpful", _("Always helpful")
    WELCOME = "welcome", _("Warm welcome")


BADGE_ICONS = {
    Badge.THANKS: "heart",
    Badge.TEAMWORK: "users",
    Badge.EXPERTISE: "star",
    Badge.EXTRA_MILE: "rocket",
    Badge.HELPFUL: "hand-helping",
    Badge.WELCOME: "smile",
}


class Praise(models.Model):
    post = models.OneToOneField("stream.Post", on_delete=models.CASCADE, primary_key=True, related_name="praise")
    badge = models.CharField(_("badge"), max_length=20, choices=Badge.choices)

    class Meta:
        verbose_name = _("praise")
        verbose_name_plural = _("praise")

    def __str__(self) -> str:
        return f"{self.badge} in {self.post_id}"


class PraisedPerson(models.Model):
    """One person a praise names, in the order given (``position``)."""

    post = models.ForeignKey("stream.Post", on_delete=models.CASCADE, related_name="+", db_index=False)
    # A profile's praise received: the (user, post) index, newest first.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("person praised")
        verbose_name_plural = _("people praised")
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="praise_once_per_person")]
        indexes = [models.Index(fields=["user", "-post"], name="praise_received")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.post_id}"
