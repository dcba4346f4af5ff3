"""Client secrets at rest, sealed for this purpose alone (``core.secrets``: a key derived from ``SECRET_KEY``)."""

from __future__ import annotations

from essaim.core import secrets

_PURPOSE = "essaim.oidc.client-secret"


def seal(secret: str) -> str:
    return secrets.seal(secret, purpose=_PURPOSE)


def unseal(sealed: str) -> str:
    """The secret, or "" when it cannot be read (none yet, or ``SECRET_KEY`` changed since)."""
    return secrets.unseal(sealed, purpose=_PURPOSE)
