"""The stream's periodic job: publish the scheduled posts whose time has come (``stream.scheduling``)."""

from __future__ import annotations

from datetime import timedelta

from essaim.core.schedule import periodic
from essaim.stream import scheduling


@periodic("stream.scheduled_posts", every=timedelta(seconds=30), lease=timedelta(minutes=2))
def publish_scheduled_posts() -> int:
    """Each due post once, however many workers run (the claim is per post, in its publication's transaction)."""
    return scheduling.scheduled_posts_publish_due()
