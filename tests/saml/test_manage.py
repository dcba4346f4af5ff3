"""/manage/sso/saml/ against the real identity provider: adding one by its metadata address, the connection test
said in words, and clear errors for metadata that cannot be used."""

from __future__ import annotations

import pytest
from django.test import Client

from essaim.audit.models import AuditAction, AuditEntry
from essaim.saml.models import SamlProvider
from tests.accounts.factories import AdminFactory
from tests.saml.idp import IdentityProvider

pytestmark = pytest.mark.django_db


def _form(idp: IdentityProvider, **extra: str) -> dict[str, str]:
    return {
        "slug": "acme",
        "label": "Acme SAML",
        "entity_id": idp.entity_id,
        "metadata_url": idp.base + "/metadata",
        "enabled": "on",
        "account_creation": "network",
        **extra,
    }


def test_an_admin_adds_a_provider_by_its_metadata_address_and_tests_it(client: Client, idp: IdentityProvider) -> None:
    client.force_login(AdminFactory())
    response = client.post("/manage/sso/saml/", _form(idp))
    assert response.status_code == 302, response.content
    provider = SamlProvider.objects.get(slug="acme")
    assert "IDPSSODescriptor" in provider.metadata_xml
    assert AuditEntry.objects.filter(action=AuditAction.SAML_PROVIDER_ADDED).exists()
    page = client.post(f"/manage/sso/saml/{provider.pk}/test/")
    text = page.content.decode()
    assert "Everything a sign-in needs from the provider works." in text, text
    assert "is valid until" in text
    assert "offers single logout" in text
    assert client.get("/accounts/saml/acme/metadata/").status_code == 200


def test_metadata_of_another_entity_is_refused_in_words(client: Client, idp: IdentityProvider) -> None:
    client.force_login(AdminFactory())
    response = client.post("/manage/sso/saml/", _form(idp, entity_id="https://someone-else.example.com"))
    assert response.status_code == 400
    assert "for this entity id" in response.content.decode() or "with this entity id" in response.content.decode()
    assert not SamlProvider.objects.exists()


def test_an_unreachable_metadata_address_is_said_in_french(client: Client, idp: IdentityProvider) -> None:
    client.force_login(AdminFactory(language="fr"))
    client.cookies["django_language"] = "fr"
    response = client.post("/manage/sso/saml/", _form(idp, metadata_url=idp.base + "/missing"))
    assert response.status_code == 400
    assert 'lang="fr"' in response.content.decode()
    assert "404" in response.content.decode()
