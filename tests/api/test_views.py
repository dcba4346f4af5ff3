"""The personal API tokens page."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from essaim.accounts.models import User
from essaim.api import services
from essaim.api.models import PersonalToken


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(reverse("api:tokens"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_settings_page_links_to_the_tokens_page(client: Client, employee: User) -> None:
    client.force_login(employee)
    assert reverse("api:tokens") in client.get(reverse("accounts:settings")).content.decode()


def test_creating_a_token_shows_the_secret_once(client: Client, employee: User) -> None:
    client.force_login(employee)
    response = client.post(reverse("api:tokens"), {"name": "Report script"})
    assert response.status_code == 201
    secret = re.search(r'data-testid="new-token">(essaim_[^<]+)<', response.content.decode())
    assert secret is not None
    token = PersonalToken.objects.get(user=employee)
    assert token.name == "Report script"
    assert token.token_hash != secret.group(1)
    again = client.get(reverse("api:tokens")).content.decode()
    assert secret.group(1) not in again
    assert token.prefix in again
    # …and it works.
    api = Client(headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert api.get("/api/v1/accounts/verify_credentials").status_code == 200


def test_a_token_without_a_name_is_refused_with_a_message(client: Client, employee: User) -> None:
    client.force_login(employee)
    response = client.post(reverse("api:tokens"), {"name": ""})
    assert response.status_code == 400
    assert not PersonalToken.objects.exists()


def test_revoking_a_token(client: Client, employee: User) -> None:
    token, raw = services.personal_token_create(actor=employee, name="Old")
    client.force_login(employee)
    response = client.post(reverse("api:token-revoke", kwargs={"token_id": token.pk}))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/v1/accounts/verify_credentials").status_code == 401


def test_nobody_can_revoke_someone_elses_token(client: Client, employee: User, colleague: User) -> None:
    token, _raw = services.personal_token_create(actor=employee, name="Mine")
    client.force_login(colleague)
    response = client.post(reverse("api:token-revoke", kwargs={"token_id": token.pk}))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_people_only_see_their_own_tokens(client: Client, employee: User, colleague: User) -> None:
    services.personal_token_create(actor=employee, name="Employee script")
    client.force_login(colleague)
    assert "Employee script" not in client.get(reverse("api:tokens")).content.decode()
