"""RSS and Atom feeds a space subscribes to, and the items each one already brought in.

A ``Feed`` belongs to one space and has its own identity (``account``, a ``User`` of kind ``feed``
that never signs in): the author of the posts it brings. ``FeedItem`` remembers every item imported,
by a digest of its guid (else its link), unique per feed: an item is written in the same transaction
as its post, so a second worker, a retry or a restart finds it there and never posts it twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Feed(models.Model):
    class Show(models.TextChoices):
        SUMMARY = "summary", _("Title and summary")
        TITLE = "title", _("Title only")

    class Every(models.IntegerChoices):
        QUARTER = 15, _("Every 15 minutes")
        HOUR = 60, _("Every hour")
        THREE_HOURS = 180, _("Every 3 hours")
        TWELVE_HOURS = 720, _("Twice a day")
        DAY = 1440, _("Once a day")

    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, related_name="feeds", verbose_name=_("space"), db_index=False
    )  # ``feed_space_url``
    url = models.URLField(_("feed address"), max_length=2000)
    title = models.CharField(_("name"), max_length=200, blank=True)
    keywords = models.CharField(
        _("keywords"),
        max_length=300,
        blank=True,
        help_text=_("Only items whose title or summary contains one of these words, separated by commas. Empty: all."),
    )
    every = models.PositiveIntegerField(_("how often"), choices=Every, default=Every.HOUR)
    show = models.CharField(_("show"), max_length=10, choices=Show, default=Show.SUMMARY)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feed", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,  # ``feed_created_by``
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    paused = models.BooleanField(_("paused"), default=False)
    # conditional GET
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    # polling: due when ``next_fetch_at`` has passed; a poll under way pushes it to the end of its lease
    next_fetch_at = models.DateTimeField(default=timezone.now, editable=False)
    # health
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=40, blank=True, editable=False)  # a code: ``feeds.errors``
    last_error_detail = models.CharField(max_length=300, blank=True, editable=False)
    failures = models.PositiveIntegerField(default=0, editable=False)  # in a row, for the back-off
    items_imported = models.PositiveIntegerField(_("items imported"), default=0, editable=False)

    class Meta:
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")
        ordering = ("space_id", "pk")
        constraints = [models.UniqueConstraint(fields=["space", "url"], name="feed_space_url")]
        indexes = [
            models.Index(fields=["next_fetch_at"], condition=Q(paused=False), name="feed_due"),
            models.Index(fields=["created_by"], condition=Q(created_by__isnull=False), name="feed_created_by"),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class FeedItem(models.Model):
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="items", db_index=False)  # feed_item_key
    key = models.CharField(max_length=64)  # sha256 of the item's guid, else of its link
    post = models.ForeignKey(
        "stream.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )  # ``feed_item_post``
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("feed item")
        verbose_name_plural = _("feed items")
        constraints = [models.UniqueConstraint(fields=["feed", "key"], name="feed_item_key")]
        indexes = [models.Index(fields=["post"], condition=Q(post__isnull=False), name="feed_item_post")]

    def __str__(self) -> str:
        return f"{self.feed_id}: {self.key[:12]}"
