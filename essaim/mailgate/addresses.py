"""The addresses people write to: a notification's reply address and a space's posting address, both signed.

``reply-<token>@<domain>`` answers a post (or a comment's thread) as one person; it expires after
``MAIL_IN_REPLY_DAYS``. ``post-<token>@<domain>`` posts into one space as one person; it is theirs,
shown on the space's page, and does not expire. ``<domain>`` is ``ESSAIM_MAIL_IN_DOMAIN`` (without
it, Essaim gives no address and the gateway accepts nothing).

A token is the target's ids and the day it was made, with 8 bytes of an HMAC keyed by the site's
secret, in lower-case base 32: case-insensitive (some mail systems change case), no character a
mail address must quote, under the 64 characters of a local part. A token that does not verify is
"forged"; one past its days is "expired" (the sender is told so, and where to answer instead).
"""

from __future__ import annotations

import base64
import hmac
import struct
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

REPLY, POST = "reply", "post"
_KINDS = {REPLY: 1, POST: 2}
_REPLY = struct.Struct(">BIQQH")  # kind, person, post, parent comment (0: none), day issued
_POST = struct.Struct(">BII")  # kind, person, space
_MAC = 8
_EPOCH = date(2020, 1, 1)


class AddressError(Exception):
    """Why an address is not one of ours: ``unknown`` (not our domain or shape) or ``forged``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Target:
    kind: str
    user_id: int
    post_id: int | None = None
    parent_id: int | None = None
    space_id: int | None = None
    issued: date | None = None


def domain() -> str:
    return str(getattr(settings, "MAIL_IN_DOMAIN", "") or "").lower()


def reply_days() -> int:
    return int(getattr(settings, "MAIL_IN_REPLY_DAYS", 30))


def _mac(data: bytes) -> bytes:
    return salted_hmac("essaim.mailgate.address", data, algorithm="sha256").digest()[:_MAC]


def _token(data: bytes) -> str:
    return base64.b32encode(data + _mac(data)).decode().rstrip("=").lower()


def reply_address(*, user_id: int, post_id: int, parent_id: int | None = None, today: date | None = None) -> str:
    """Where ``user_id`` answers ``post_id`` (in ``parent_id``'s thread) by e-mail; "" without a mail domain."""
    if not domain():
        return ""
    day = ((today or timezone.localdate()) - _EPOCH).days
    return f"{REPLY}-{_token(_REPLY.pack(_KINDS[REPLY], user_id, post_id, parent_id or 0, day))}@{domain()}"


def post_address(*, user_id: int, space_id: int) -> str:
    """Where ``user_id`` posts into ``space_id`` by e-mail; "" without a mail domain."""
    if not domain():
        return ""
    return f"{POST}-{_token(_POST.pack(_KINDS[POST], user_id, space_id))}@{domain()}"


def read(address: str) -> Target:
    """What ``address`` is for; raises ``AddressError`` for an address that is not one of ours or is forged (an
    expired one is read: the gateway accepts it, to tell its owner, ``expired``)."""
    local, _at, host = address.strip().strip("<>").rpartition("@")
    kind, _dash, token = local.lower().partition("-")
    if not domain() or host.lower() != domain() or kind not in _KINDS or not token:
        raise AddressError("unknown")
    try:
        raw = base64.b32decode(token.upper() + "=" * (-len(token) % 8))
    except ValueError:
        raise AddressError("forged") from None
    if base64.b32encode(raw).decode().rstrip("=").lower() != token:
        raise AddressError("forged")  # one spelling per token: its last letter's spare bits are zero
    data, mac = raw[:-_MAC], raw[-_MAC:]
    shape = _REPLY if kind == REPLY else _POST
    if len(data) != shape.size or not hmac.compare_digest(mac, _mac(data)) or data[0] != _KINDS[kind]:
        raise AddressError("forged")
    if kind == POST:
        _kind, user_id, space_id = _POST.unpack(data)
        return Target(kind=POST, user_id=user_id, space_id=space_id)
    _kind, user_id, post_id, parent_id, day = _REPLY.unpack(data)
    issued = _EPOCH + timedelta(days=day)
    return Target(kind=REPLY, user_id=user_id, post_id=post_id, parent_id=parent_id or None, issued=issued)


def expired(target: Target, *, today: date | None = None) -> bool:
    """Whether a reply address is past its days (a posting address never is)."""
    if target.issued is None:
        return False
    return (today or timezone.localdate()) - target.issued > timedelta(days=reply_days())
