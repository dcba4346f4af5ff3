"""A real SAML identity provider on loopback (``idp.py``, pysaml2), an Essaim provider row whose metadata is read
from it, and the whole sign-in driven through Django's test client: Essaim's button → the identity provider's
single sign-on address (over HTTP) → its form posted back to Essaim's assertion consumer service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

from essaim.saml import services
from essaim.saml.connection import metadata_fetch
from essaim.saml.models import SamlProvider
from tests.accounts.factories import AdminFactory
from tests.saml.idp import IdentityProvider, form_fields, serve

SLUG = "acme"
SP_ENTITY = f"http://testserver/accounts/saml/{SLUG}/metadata/"
ACS = f"http://testserver/accounts/saml/{SLUG}/acs/"


@pytest.fixture
def client() -> Client:
    """A browser sends its Host header, which python3-saml reads (Django's test client does not by default)."""
    return Client(HTTP_HOST="testserver")


@pytest.fixture
def idp() -> Iterator[IdentityProvider]:
    yield from serve()


@pytest.fixture
def saml_provider(db: None, idp: IdentityProvider) -> SamlProvider:
    xml, problem = metadata_fetch(idp.base + "/metadata")
    assert xml, problem
    provider = services.provider_create(
        actor=AdminFactory(),
        slug=SLUG,
        label="Acme SAML",
        entity_id=idp.entity_id,
        metadata_url=idp.base + "/metadata",
        metadata_xml=xml,
        enabled=True,
        account_creation="network",
        claims=SamlProvider().claims,
    )
    idp.trust(Client(HTTP_HOST="testserver").get(f"/accounts/saml/{SLUG}/metadata/").content.decode())
    return provider


def post_to_essaim(client: Client, page: str) -> Any:
    """Post the identity provider's form to Essaim and follow to the end of the sign-in."""
    action, fields = form_fields(page)
    arrived = client.post(urlsplit(action).path, fields)
    assert arrived.status_code == 302, arrived.content
    return client.get(arrived["Location"])


def sign_in(client: Client, idp: IdentityProvider) -> Any:
    """Press "Sign in with Acme SAML", let the identity provider answer, and return Essaim's last answer."""
    start = client.post(f"/accounts/saml/{SLUG}/login/")
    assert start.status_code == 302, start.content
    assert start["Location"].startswith(idp.base + "/sso?")
    page = requests.get(start["Location"], timeout=10)
    assert page.status_code == 200, page.text
    return post_to_essaim(client, page.text)


def idp_initiated(client: Client, idp: IdentityProvider, relay_state: str = "") -> Any:
    return post_to_essaim(client, idp.response_for(acs=ACS, sp_entity_id=SP_ENTITY, relay_state=relay_state))
