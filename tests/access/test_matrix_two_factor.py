"""The two-factor policy as a matrix: network policy × role → the person uses the network, or is sent to set up
a second factor first ("setup"); then the same person with an authenticator app uses it in every case.

Pages, htmx fragments and the API (session and personal token) answer alike. Changing the policy is part of
the network's settings (``Action.ADMINISTER_NETWORK``: only network administrators, see test_matrix_network).
"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from essaim.api.services import personal_token_create
from essaim.network.models import NetworkSettings
from essaim.network.selectors import network_settings_invalidate
from tests.access.conftest import network_actor, read_table

pytestmark = pytest.mark.django_db

ROLES = ["guest", "employee", "communication", "compliance", "network_admin"]
POLICIES = ["optional", "roles", "everyone"]

# "ok" = uses the network; "setup" = sent to /accounts/two-factor/ (403 in JSON from the API).
MATRIX = """
    optional   ok     ok     ok     ok     ok
    roles      ok     ok     setup  setup  setup
    everyone   setup  setup  setup  setup  setup
"""
CELLS = read_table(MATRIX, ROLES)
SETUP = "/accounts/two-factor/"


def set_policy(policy: str) -> None:
    NetworkSettings.objects.update_or_create(pk=1, defaults={"two_factor_required": policy})
    network_settings_invalidate()


def answer_of(client: Client, actor: Any) -> str:
    """What the page, a fragment and the API say to ``actor``, checked to agree."""
    page = client.get("/spaces/")
    fragment = client.get("/spaces/", headers={"HX-Request": "true"})
    api = client.get("/api/v1/accounts/verify_credentials")
    token = personal_token_create(actor=actor, name="script")[1]
    with_token = Client().get("/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"})
    if page.status_code == 302 and page.url == SETUP:
        assert fragment.status_code == 204
        assert fragment["HX-Redirect"] == SETUP
        assert api.status_code == with_token.status_code == 403
        assert "two-factor" in api.json()["error_description"]
        assert "two-factor" in with_token.json()["error_description"]
        return "setup"
    assert page.status_code == fragment.status_code == 200
    assert api.status_code == with_token.status_code == 200
    return "ok"


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("role", ROLES)
def test_policy_by_role(client: Client, policy: str, role: str) -> None:
    set_policy(policy)
    actor = network_actor(role)
    client.force_login(actor)
    assert answer_of(client, actor) == CELLS[(policy, role)]


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("role", ROLES)
def test_an_authenticator_app_satisfies_every_policy(client: Client, policy: str, role: str) -> None:
    set_policy(policy)
    actor = network_actor(role)
    TOTP.activate(actor, generate_totp_secret())
    client.force_login(actor)
    assert answer_of(client, actor) == "ok"


@pytest.mark.parametrize("role", ROLES)
def test_recovery_codes_alone_do_not(client: Client, role: str) -> None:
    set_policy("everyone")
    actor = network_actor(role)
    Authenticator.objects.create(user=actor, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00"})
    client.force_login(actor)
    assert answer_of(client, actor) == "setup"
