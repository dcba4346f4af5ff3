"""The live events store: what the open pages are told, kept for a while so that none is missed."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LiveEvent(models.Model):
    """One thing to tell open pages, by ids (``data``), and who may be told (``audience``).

    Ids grow with every event and are never reused (SQLite's ``AUTOINCREMENT``; on PostgreSQL the
    publisher takes a lock so that events commit in id order): a page that reconnects says the last id
    it got (``Last-Event-ID``) and is sent every later event it may see. Rows older than the replay
    window are deleted (``realtime.publish.prune``), the newest always kept.

    ``audience``: clauses of ``access.audience`` keys (a reader may be told when one clause holds);
    ``home``: for a new post, the keys that bring it into a reader's home feed.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=20)
    audience = models.JSONField(_("audience"))
    data = models.JSONField(_("data"), default=dict)
    home = models.JSONField(default=list)

    class Meta:
        verbose_name = _("live event")
        verbose_name_plural = _("live events")
        indexes = [models.Index(fields=["at"], name="live_event_at")]

    def __str__(self) -> str:
        return f"{self.id} {self.kind}"
