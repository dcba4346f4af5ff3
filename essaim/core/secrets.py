"""Secrets at rest (an identity provider's client secret, a directory's bind password): encrypted with a key
derived from the site's ``SECRET_KEY`` and a purpose (Fernet: AES-128-CBC and HMAC-SHA256). A copy of the
database alone does not give them away; changing ``SECRET_KEY`` makes them unreadable, and each must then be
entered again (docs/identity.md). Each purpose has its own key: a secret sealed for one cannot be read as
another's."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet(purpose: str) -> Fernet:
    key = hashlib.sha256(purpose.encode() + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str, *, purpose: str) -> str:
    return _fernet(purpose).encrypt(secret.encode()).decode("ascii")


def unseal(sealed: str, *, purpose: str) -> str:
    """The secret, or "" when it cannot be read (none yet, or ``SECRET_KEY`` changed since)."""
    if not sealed:
        return ""
    try:
        return _fernet(purpose).decrypt(sealed.encode("ascii")).decode()
    except InvalidToken:
        return ""
