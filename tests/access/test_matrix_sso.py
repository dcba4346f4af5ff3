"""Single sign-on's permission matrix: only network administrators manage the OpenID Connect providers
(/manage/sso/: list and add, change, test the connection, delete); the identity provider's own actor, which
writes profiles from the claims, may provision people and nothing else a person may do."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from essaim import access
from essaim.access import Action
from essaim.oidc import services
from essaim.oidc.actors import IdentityProviderActor
from essaim.oidc.models import OidcProvider
from tests.access.conftest import NETWORK_ROLES, assert_answer, network_actor, read_table
from tests.accounts.factories import AdminFactory

ROLES = [*NETWORK_ROLES, "identity_provider"]
# "ok" = allowed, 403 = refused, "login" = sent to the sign-in page, "-" = does not apply. Columns follow ROLES.
ACTIONS = read_table(
    """
    manage_sso        403 403 403 403 403 ok  403
    provision_people  403 403 403 403 403 403 ok
    administer_network 403 403 403 403 403 ok 403
    view_directory    403 403 ok  ok  ok  ok  403
    """,
    ROLES,
)
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
FORM = {"label": "Changed", "issuer": "https://idp.example.com", "client_id": "c", "account_creation": "network"}


def _provider() -> OidcProvider:
    return services.provider_create(
        actor=AdminFactory(),
        slug="acme",
        secret="s",
        label="Acme",
        issuer="https://idp.example.com",
        client_id="c",
        enabled=True,
        account_creation="network",
        claims={},
    )


def _actor(role: str) -> Any:
    if role == "identity_provider":
        return IdentityProviderActor(provider=_provider())
    return network_actor(role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["manage_sso", "provision_people", "administer_network", "view_directory"])
def test_the_actions(db: None, role: str, action: str) -> None:
    assert access.can(_actor(role), Action[action.upper()]) is (ACTIONS[action, role] == "ok")


@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_who_sees_and_changes_a_provider(db: None, role: str) -> None:
    provider = _provider()
    actor = _actor(role)
    allowed = role == "network_admin"
    for action in (Action.VIEW, Action.EDIT, Action.DELETE):
        assert access.can(actor, action, provider) is allowed
    assert list(access.visible(actor, OidcProvider.objects.all())) == ([provider] if allowed else [])


@pytest.mark.parametrize(
    "surface", ["provider_list", "provider_add", "provider_page", "provider_change", "provider_test", "provider_delete"]
)
@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_the_pages(client: Client, db: None, role: str, surface: str) -> None:
    provider = _provider()
    actor = _actor(role)
    if role != "anonymous":
        client.force_login(actor)
    base = f"/manage/sso/{provider.pk}/"
    response = {
        "provider_list": lambda: client.get("/manage/sso/"),
        "provider_add": lambda: client.post("/manage/sso/", {**FORM, "label": "Added", "slug": "other", "secret": "s"}),
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
    assert OidcProvider.objects.filter(slug="other").exists() is (surface == "provider_add" and done)
    assert OidcProvider.objects.filter(label="Changed").exists() is (surface == "provider_change" and done)
    assert OidcProvider.objects.filter(pk=provider.pk).exists() is not (surface == "provider_delete" and done)
