"""Mastodon's ``Idempotency-Key``: an app that sends a status again (a retry after a network error) writes it once.

The key is the person's own (two people may use the same one) and lasts an hour, as Mastodon's does; it names one
request: sent again with another body, it is refused (422) rather than answered with a status that body did not
ask for. The status and its key are written in one transaction, so two copies of a request sent at once write one
status: the second meets the key's unique constraint, its status is rolled back, and it answers the first's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

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


def fingerprint(body: Any) -> str:
    """What a request asked, as the SHA-256 of its parsed body: a key sent again with another body is refused."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def earlier_status_id(*, user: User, key: str, request_hash: str) -> int | None:
    """The status ``user`` wrote with ``key`` within the hour, if any (422 when the key was for another request)."""
    since = timezone.now() - WINDOW
    found = IdempotencyKey.objects.filter(user=user, key=key, created_at__gte=since).values_list(
        "status_id", "request_hash"
    )
    for status_id, earlier_hash in found:
        if earlier_hash != request_hash:
            raise ApiError(
                422,
                _("Idempotency-Key already used"),
                _("This Idempotency-Key was sent with another request within the hour: send this one with a new key."),
            )
        return int(status_id)
    return None


def write_once[T](
    *, user: User, key: str | None, request_hash: str, write: Callable[[], T], status_id: Callable[[T], int]
) -> T | int:
    """What ``write`` wrote, or — when ``key`` names a status ``user`` wrote within the hour for the same request
    (``request_hash``: :func:`fingerprint`) — that status's id."""
    if key is None:
        return write()
    earlier = earlier_status_id(user=user, key=key, request_hash=request_hash)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            written = write()
            IdempotencyKey.objects.filter(user=user, created_at__lt=timezone.now() - WINDOW).delete()
            IdempotencyKey.objects.create(user=user, key=key, request_hash=request_hash, status_id=status_id(written))
    except IntegrityError:
        earlier = earlier_status_id(user=user, key=key, request_hash=request_hash)
        if earlier is None:
            raise
        return earlier
    return written
