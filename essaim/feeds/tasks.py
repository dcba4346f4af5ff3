"""The feeds' background work: one task polls one feed (``importing.poll``)."""

from __future__ import annotations

from django.tasks import task

from essaim.feeds import importing


@task()
def poll_feed(*, feed_id: int, force: bool = False, claimed: bool = False) -> int:
    """Fetch one feed and post its new items; the number posted. ``force``: even if not due."""
    if force and not claimed:
        claimed = importing.claim(feed_id, force=True)
        if not claimed:
            return 0
    return importing.poll(feed_id, claimed=claimed).imported
