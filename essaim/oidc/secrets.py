"""Client secrets at rest: encrypted with a key derived from the site's ``SECRET_KEY`` (Fernet: AES-128-CBC
and HMAC-SHA256). A copy of the database alone does not give the secrets away; changing ``SECRET_KEY``
makes them unreadable, and each provider's secret must then be entered again (docs/identity.md)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

_CONTEXT = b"essaim.oidc.client-secret"


def _fernet() -> Fernet:
    key = hashlib.sha256(_CONTEXT + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode("ascii")


def unseal(sealed: str) -> str:
    """The secret, or "" when it cannot be read (none yet, or ``SECRET_KEY`` changed since)."""
    if not sealed:
        return ""
    try:
        return _fernet().decrypt(sealed.encode("ascii")).decode()
    except InvalidToken:
        return ""
