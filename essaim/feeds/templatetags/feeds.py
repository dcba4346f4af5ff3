from __future__ import annotations

from django import template

from essaim.feeds.importing import describe_error
from essaim.feeds.models import Feed

register = template.Library()


@register.filter
def feed_error(feed: Feed) -> str:
    """The feed's last error in words, in the reader's language ("" when the last fetch went well)."""
    return describe_error(feed.last_error, feed.last_error_detail) if feed.last_error else ""
