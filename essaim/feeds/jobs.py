"""The periodic job that hands each due feed to the task queue (``core.schedule``: one run a minute on one
worker). Each feed is claimed before its task is queued, so a feed is never polled twice at once; a task
that never ran (its worker died) leaves the claim to expire (``importing.LEASE``) and the feed is due again."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from essaim.core.schedule import periodic
from essaim.feeds import importing, tasks
from essaim.feeds.models import Feed

BATCH = 200  # feeds queued a run at most; the rest the next minute


@periodic("feeds.poll", every=timedelta(minutes=1), lease=timedelta(minutes=2))
def queue_due_feeds() -> int:
    due = Feed.objects.filter(paused=False, next_fetch_at__lte=timezone.now()).order_by("next_fetch_at")
    queued = 0
    for feed_id in due.values_list("pk", flat=True)[:BATCH]:
        if importing.claim(feed_id):
            tasks.poll_feed.enqueue(feed_id=feed_id, claimed=True)
            queued += 1
    return queued
