"""Mastodon's ``Idempotency-Key``: an app that sends a status again (a retry after a network error) writes it once.

The key is the person's own (two people may use the same one) and lasts an hour, as Mastodon's does. The status and
its key are written in one transaction, so two copies of a request sent at once write one status: the second meets
the key's unique constraint, its status is rolled back, and it answers the first's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.accounts.models import User
from essaim.api.errors import ApiError
from essaim.api.models import IdempotencyKey

HEADER = "Idempotency-Key"
WINDOW = timedelta(hours=1)
MAX_LENGTH = 255
OPENAPI_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "Send the same key again within the hour (a retry) to get the status it wrote, not a second one.",
    "schema": {"type": "string", "maxLength": MAX_LENGTH},
}


def key_of(request: HttpRequest) -> str | None:
    """The request's key, or None without one; a key no status could be stored under is refused (422)."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return None
    if len(key) > MAX_LENGTH or "\x00" in key:
        raise ApiError(
            422,
            _("Invalid Idempotency-Key"),
            _("An Idempotency-Key is at most %(count)s characters, without NUL.") % {"count": MAX_LENGTH},
        )
    return key


def earlier_status_id(*, user: User, key: str) -> int | None:
    """The status ``user`` wrote with ``key`` within the hour, if any."""
    since = timezone.now() - WINDOW
    found = IdempotencyKey.objects.filter(user=user, key=key, created_at__gte=since).values_list("status_id")
    return next((status_id for (status_id,) in found), None)


def write_once[T](*, user: User, key: str | None, write: Callable[[], T], status_id: Callable[[T], int]) -> T | int:
    """What ``write`` wrote, or — when ``key`` names a status ``user`` wrote within the hour — that status's id."""
    if key is None:
        return write()
    earlier = earlier_status_id(user=user, key=key)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            written = write()
            IdempotencyKey.objects.filter(user=user, created_at__lt=timezone.now() - WINDOW).delete()
            IdempotencyKey.objects.create(user=user, key=key, status_id=status_id(written))
    except IntegrityError:
        earlier = earlier_status_id(user=user, key=key)
        if earlier is None:
            raise
        return earlier
    return written
