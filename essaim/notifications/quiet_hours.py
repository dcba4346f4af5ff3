"""Quiet hours: the part of a person's day, in their time zone, when no e-mail reaches them."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings


def zone(name: str) -> ZoneInfo:
    """The time zone ``name`` (the site's when it is unknown: a profile imported with a typo)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def local(moment: datetime, zone_name: str) -> datetime:
    """``moment`` on the clock of ``zone_name``."""
    return moment.astimezone(zone(zone_name))


def is_quiet(clock: time, start: time | None, end: time | None) -> bool:
    """Whether ``clock`` (a local time) falls in the quiet hours from ``start`` to ``end`` (``end`` excluded);
    over midnight when ``end`` comes before ``start`` (22:00 → 07:00). None or an empty range: never."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end
