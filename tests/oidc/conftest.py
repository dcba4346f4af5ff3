"""A real OpenID Provider on loopback (``provider.py``), an Essaim provider row pointing at it, and the whole
sign-in driven through Django's test client: Essaim's button → the provider's authorize endpoint (over HTTP)
→ the callback, where Essaim calls the provider's token, JWKS and userinfo endpoints itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

from essaim.oidc import services
from essaim.oidc.models import OidcProvider
from tests.accounts.factories import AdminFactory
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, OpenIdProvider, serve

SLUG = "acme"


@pytest.fixture
def op() -> Iterator[OpenIdProvider]:
    yield from serve()


@pytest.fixture
def oidc_provider(db: None, op: OpenIdProvider) -> OidcProvider:
    return services.provider_create(
        actor=AdminFactory(),
        slug=SLUG,
        secret=CLIENT_SECRET,
        label="Acme SSO",
        issuer=op.issuer,
        client_id=CLIENT_ID,
        enabled=True,
        account_creation="network",
        claims=OidcProvider().claims,
    )


def claims(email: str = "lea.martin@example.com", **extra: Any) -> dict[str, Any]:
    return {
        "sub": f"sub-{email}",
        "email": email,
        "email_verified": True,
        "given_name": "Léa",
        "family_name": "Martin",
        **extra,
    }


def sign_in(client: Client, op: OpenIdProvider, **extra: Any) -> Any:
    """Press "Sign in with Acme SSO", follow the provider's answer back, and return Essaim's last answer."""
    start = client.post(f"/accounts/oidc/{SLUG}/login/", extra)
    assert start.status_code == 302, start.content
    authorize = start["Location"]
    assert authorize.startswith(op.issuer + "/authorize?")
    back = requests.get(authorize, allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    callback = urlsplit(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")
