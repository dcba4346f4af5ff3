"""Session (with CSRF on unsafe methods) or personal token; anything else is 401."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from essaim.accounts.models import User
from essaim.api import services
from tests.api.conftest import TokenClient

ME = "/api/v1/accounts/verify_credentials"


def follow_url(user: User) -> str:
    return f"/api/v1/accounts/{user.pk}/follow"


class TestTokenAuthentication:
    def test_a_valid_token_authenticates_its_owner(self, api_client: TokenClient, employee: User) -> None:
        response = api_client.get(ME)
        assert response.status_code == 200
        assert response.json()["id"] == str(employee.pk)

    def test_a_token_needs_no_csrf_token_for_unsafe_methods(self, api_client: TokenClient, colleague: User) -> None:
        response = api_client.post(follow_url(colleague))
        assert response.status_code == 200
        assert response.json()["following"] is True

    def test_a_revoked_token_is_refused(self, employee: User) -> None:
        token, raw = services.personal_token_create(actor=employee, name="Old")
        services.personal_token_revoke(actor=employee, token=token)
        response = TokenClient(raw).get(ME)
        assert response.status_code == 401
        assert response.json()["error"] == "The access token is invalid"

    def test_an_unknown_token_is_refused_even_with_a_session(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        response = client.get(ME, headers={"Authorization": "Bearer essaim_forged"})
        assert response.status_code == 401

    def test_another_scheme_is_refused(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        response = client.get(ME, headers={"Authorization": "Basic Zm9vOmJhcg=="})
        assert response.status_code == 401

    def test_using_a_token_records_its_last_use(self, employee: User) -> None:
        token, raw = services.personal_token_create(actor=employee, name="A")
        TokenClient(raw).get(ME)
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_a_token_speaks_its_owners_language(self, employee: User) -> None:
        User.objects.filter(pk=employee.pk).update(language="fr")
        _token, raw = services.personal_token_create(actor=employee, name="A")
        response = TokenClient(raw).get("/api/v1/accounts/999999", headers={"Accept-Language": "en"})
        assert response.status_code == 404
        assert response["Content-Language"] == "fr"


class TestSessionAuthentication:
    def test_nobody_signed_in_gets_401_in_mastodon_shape(self, client: Client, db: None) -> None:
        response = client.get(ME)
        assert response.status_code == 401
        assert set(response.json()) == {"error", "error_description"}

    def test_a_signed_in_person_reads_without_csrf(self, employee: User) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(employee)
        assert client.get(ME).status_code == 200

    def test_an_unsafe_method_without_csrf_token_is_refused(self, employee: User, colleague: User) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(employee)
        response = client.post(follow_url(colleague))
        assert response.status_code == 403
        assert response.json()["error"] == "CSRF verification failed"

    def test_an_unsafe_method_with_the_csrf_token_passes(self, employee: User, colleague: User) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(employee)
        client.get(reverse("api:tokens"))  # sets the csrftoken cookie
        csrf = client.cookies["csrftoken"].value
        response = client.post(follow_url(colleague), headers={"X-CSRFToken": csrf})
        assert response.status_code == 200

    def test_a_deactivated_person_is_refused(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        User.objects.filter(pk=employee.pk).update(is_active=False)
        assert client.get(ME).status_code == 401
