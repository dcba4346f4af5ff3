"""The network's VAPID key pair (RFC 8292): made on first use, kept in the database with its private half sealed.

Apps read the public key (``vapid_key`` in ``/api/v1/instance``, ``configuration.vapid.public_key`` in
``/api/v2/instance``, ``server_key`` in a subscription) and hand it to the phone's or browser's push service, which
then accepts only pushes signed with the private key. The private key is sealed with a key derived from
``SECRET_KEY`` (Fernet, as identity providers' secrets are): a copy of the database alone does not give it away.
Changing ``SECRET_KEY`` makes it unreadable: a new pair is made, and the subscriptions made with the old one, which
push services would refuse, are deleted (apps subscribe again when they next start). ``ESSAIM_VAPID_PRIVATE_KEY``
(the raw key, base64url, as Mastodon's ``VAPID_PRIVATE_KEY``) replaces the stored pair, for an operator who keeps
keys outside the database or moves from another server.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from email.utils import parseaddr

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from py_vapid import Vapid02

from essaim.webpush.models import PushSubscription, VapidKey

logger = logging.getLogger(__name__)
_CONTEXT = b"essaim.webpush.vapid-private-key"
ROW = 1


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """``text`` as base64url (padded or not, or plain base64 as some apps send it); ``ValueError`` otherwise."""
    cleaned = text.strip().replace("+", "-").replace("/", "_").rstrip("=")
    try:
        return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError(str(exc)) from None


def _fernet() -> Fernet:
    key = hashlib.sha256(_CONTEXT + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def raw_private(key: ec.EllipticCurvePrivateKey) -> str:
    """The private key as its 32-byte scalar, base64url (Mastodon's ``VAPID_PRIVATE_KEY`` form)."""
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def raw_public(key: ec.EllipticCurvePublicKey) -> str:
    """The public key as its uncompressed point (65 bytes), base64url: what the Push API's
    ``applicationServerKey`` takes."""
    return b64url(key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def _new_pair() -> tuple[str, str]:
    """A new pair: (public, sealed private)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return raw_public(key.public_key()), _fernet().encrypt(raw_private(key).encode()).decode("ascii")


def _unseal(sealed: str) -> str | None:
    try:
        return _fernet().decrypt(sealed.encode("ascii")).decode()
    except InvalidToken:
        return None


def signer() -> Vapid02:
    """The private key, ready to sign (py_vapid's RFC 8292 ``vapid t=…,k=…`` header)."""
    configured = str(getattr(settings, "VAPID_PRIVATE_KEY", "") or "")
    if configured:
        return Vapid02.from_raw(configured.encode())
    row = _row()
    raw = _unseal(row.private_key_sealed)
    if raw is None:
        row = _replace_unreadable()
        raw = _unseal(row.private_key_sealed) or ""
    return Vapid02.from_raw(raw.encode())


def public_key() -> str:
    """The public key apps subscribe with (base64url uncompressed P-256 point)."""
    configured = str(getattr(settings, "VAPID_PRIVATE_KEY", "") or "")
    if configured:
        return raw_public(Vapid02.from_raw(configured.encode()).public_key)
    row = _row()
    if _unseal(row.private_key_sealed) is None:
        row = _replace_unreadable()
    return row.public_key


def _row() -> VapidKey:
    """The stored pair, made now if there is none (two processes at once: one row, the other reads it)."""
    found = VapidKey.objects.filter(pk=ROW).first()
    if found is not None:
        return found
    public, sealed = _new_pair()
    row, created = VapidKey.objects.get_or_create(pk=ROW, defaults={"public_key": public, "private_key_sealed": sealed})
    if created:
        logger.info("Web Push: a VAPID key pair was made")
    return row


@transaction.atomic
def _replace_unreadable() -> VapidKey:
    """``SECRET_KEY`` changed since the pair was made: a new pair, and no subscription made with the old one."""
    row = VapidKey.objects.select_for_update().get(pk=ROW)
    if _unseal(row.private_key_sealed) is not None:  # another process replaced it meanwhile
        return row
    row.public_key, row.private_key_sealed = _new_pair()
    row.save(update_fields=["public_key", "private_key_sealed"])
    dropped, _detail = PushSubscription.objects.all().delete()
    logger.warning(
        "Web Push: VAPID key unreadable (SECRET_KEY changed?): a new pair, %s subscriptions dropped", dropped
    )
    return row


def subject() -> str:
    """Who push services may contact about what Essaim sends (``sub``): ``ESSAIM_VAPID_SUBJECT``, else
    ``mailto:`` the address e-mails come from."""
    configured = str(getattr(settings, "VAPID_SUBJECT", "") or "")
    if configured:
        return configured
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "essaim@localhost"
    return f"mailto:{address}"
