"""/manage/scim/: a token is shown once, listed by its prefix, revoked; the page in French."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from essaim.accounts.models import User
from essaim.scim.models import ScimToken

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_then_listed_by_its_prefix(client: Client, network_admin: User) -> None:
    client.force_login(network_admin)
    response = client.post(reverse("scim:tokens"), {"name": "Okta"})
    assert response.status_code == 200
    token = ScimToken.objects.get()
    raw = response.context["new_token"]
    assert raw.startswith(token.prefix)
    assert raw in response.text
    assert "/scim/v2/" in response.text
    again = client.get(reverse("scim:tokens"))
    assert raw not in again.text
    assert f"{token.prefix}…" in again.text


def test_a_name_is_required_and_the_error_says_so(client: Client, network_admin: User) -> None:
    client.force_login(network_admin)
    response = client.post(reverse("scim:tokens"), {"name": ""})
    assert response.status_code == 400
    assert not ScimToken.objects.exists()


def test_revoking_says_what_happened(client: Client, network_admin: User) -> None:
    client.force_login(network_admin)
    client.post(reverse("scim:tokens"), {"name": "Entra"})
    token = ScimToken.objects.get()
    response = client.post(reverse("scim:token-revoke", kwargs={"token_id": token.pk}), follow=True)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Entra" in response.text


def test_the_administration_links_to_it(client: Client, network_admin: User) -> None:
    client.force_login(network_admin)
    assert reverse("scim:tokens") in client.get(reverse("network:home")).text
