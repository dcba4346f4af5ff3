"""SAML single sign-on's permission matrix: only network administrators manage the SAML identity providers
(/manage/sso/saml/: list and add, change, test the connection, delete), as for OpenID Connect."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from essaim import access
from essaim.access import Action
from essaim.saml import services
from essaim.saml.models import SamlProvider
from tests.access.conftest import NETWORK_ROLES, assert_answer, network_actor, read_table
from tests.accounts.factories import AdminFactory

PAGES = read_table(
    """
    provider_list    login 403 403 403 403 ok
    provider_add     login 403 403 403 403 ok
    provider_page    login 403 403 403 403 ok
    provider_change  login 403 403 403 403 ok
    provider_test    login 403 403 403 403 ok
    provider_delete  login 403 403 403 403 ok
    """,
    NETWORK_ROLES,
)
METADATA = """<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com">
<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
</md:IDPSSODescriptor></md:EntityDescriptor>"""
FORM = {"label": "Changed", "entity_id": "https://idp.example.com", "account_creation": "network"}


def _provider() -> SamlProvider:
    return services.provider_create(
        actor=AdminFactory(),
        slug="acme",
        label="Acme",
        entity_id="https://idp.example.com",
        metadata_url="",
        metadata_xml=METADATA,
        enabled=True,
        account_creation="network",
        claims={},
    )


@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_who_sees_and_changes_a_provider(db: None, role: str) -> None:
    provider = _provider()
    actor = network_actor(role)
    allowed = role == "network_admin"
    for action in (Action.VIEW, Action.EDIT, Action.DELETE):
        assert access.can(actor, action, provider) is allowed
    assert list(access.visible(actor, SamlProvider.objects.all())) == ([provider] if allowed else [])


@pytest.mark.parametrize(
    "surface", ["provider_list", "provider_page", "provider_change", "provider_test", "provider_delete"]
)
@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_the_pages(client: Client, db: None, role: str, surface: str) -> None:
    provider = _provider()
    if role != "anonymous":
        client.force_login(network_actor(role))
    base = f"/manage/sso/saml/{provider.pk}/"
    response = {
        "provider_list": lambda: client.get("/manage/sso/saml/"),
        "provider_add": lambda: client.post(
            "/manage/sso/saml/",
            {
                **FORM,
                "slug": "other",
                "label": "Added",
                "metadata_file": SimpleUploadedFile("idp.xml", METADATA.encode()),
            },
        ),
        "provider_page": lambda: client.get(base),
        "provider_change": lambda: client.post(base, FORM),
        "provider_test": lambda: client.post(base + "test/"),
        "provider_delete": lambda: client.post(base + "delete/"),
    }[surface]()
    answer = PAGES[surface, role]
    if surface == "provider_test" and answer == "ok":
        assert response.status_code == 200  # a page that says what works, whatever the provider answers
    else:
        assert_answer(response, answer)
    done = answer == "ok"
    assert SamlProvider.objects.filter(slug="other").exists() is (surface == "provider_add" and done)
    assert SamlProvider.objects.filter(label="Changed").exists() is (surface == "provider_change" and done)
    assert SamlProvider.objects.filter(pk=provider.pk).exists() is not (surface == "provider_delete" and done)
