"""A personal token opens read-only pages (attachment downloads), never unsafe ones."""

import pytest
from django.test import Client

from essaim.accounts.models import User
from essaim.api.services import personal_token_create


def bearer(user, client: Client | None = None) -> Client:
    _token, raw = personal_token_create(actor=user, name="script")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_a_token_reads_a_page_as_its_owner(employee):
    response = bearer(employee).get("/people/")
    assert response.status_code == 200
    assert "Léa" in response.text


def test_a_wrong_token_is_treated_as_signed_out(db):
    client = Client(headers={"Authorization": "Bearer essaim_not-a-token"})
    assert client.get("/people/").status_code == 302


def test_a_token_never_authorises_an_unsafe_page_request(employee, colleague):
    response = bearer(employee).post(f"/@{colleague.handle}/follow")
    assert response.status_code == 302  # to the sign-in page: no session, no follow
    assert not employee.following_set.exists()


def test_a_token_from_before_a_deactivation_no_longer_opens_pages_after_the_reactivation(employee, network_admin):
    from essaim.accounts.services import user_deactivate, user_reactivate

    client = bearer(employee)
    assert client.get("/people/").status_code == 200
    user_deactivate(actor=network_admin, user=employee)
    user_reactivate(actor=network_admin, user=employee)
    assert client.get("/people/").status_code == 302  # signed out: the token was revoked
    assert client.get("/api/v1/accounts/verify_credentials").status_code == 401


class TestJsonErrors:
    def test_an_unknown_api_path_answers_404_in_json(self, client: Client, db: None) -> None:
        response = client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"})
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {
            "error": "Record not found",
            "error_description": "It does not exist, or you are not allowed to see it.",
        }

    def test_an_unknown_api_path_answers_in_the_readers_language(self, client: Client, db: None) -> None:
        response = client.get("/api/v2/nothing", headers={"Accept-Language": "fr"})
        assert response.json()["error"] == "Élément introuvable"
        assert response["Content-Language"] == "fr"

    def test_a_method_the_path_does_not_serve_answers_405_in_json_with_allow(self, employee: User) -> None:
        response = bearer(employee).delete("/api/v1/timelines/home")
        assert response.status_code == 405
        assert response["Allow"] == "GET"
        assert response.json()["error"] == "Method not allowed"

    def test_pages_outside_the_api_keep_their_html_error_page(self, client: Client, db: None) -> None:
        response = client.get("/nothing-here/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")

    def test_errors_of_operations_pass_unchanged(self, client: Client, db: None) -> None:
        response = client.get("/api/v1/accounts/verify_credentials")
        assert response.status_code == 401
        assert response.json()["error"] == "The access token is invalid"

    @pytest.mark.parametrize(
        "url", ["/api/v1/accounts/search?q=a%00b", "/api/v1/tags/a%00b", "/api/v1/spaces?q%00=x", "/api/v1/x%00"]
    )
    def test_a_nul_character_in_the_path_or_query_is_a_bad_request(self, employee: User, url: str) -> None:
        response = bearer(employee).get(url)
        assert response.status_code == 400
        assert "NUL" in response.json()["error_description"]


class TestPagesRefuseNul:
    """PostgreSQL refuses NUL characters in any text it is sent: a page's search box or path answered 500."""

    @pytest.mark.parametrize("url", ["/people/?q=a%00", "/spaces/?q=a%00", "/tags/a%00/", "/?max_id=1%00"])
    def test_a_nul_in_a_pages_address_gets_the_400_page(self, client: Client, employee: User, url: str) -> None:
        client.force_login(employee)
        response = client.get(url, headers={"accept-language": "en"})
        assert response.status_code == 400
        assert "text/html" in response["Content-Type"]
        assert "could not be understood" in response.content.decode()

    def test_an_ordinary_search_still_reaches_its_page(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        assert client.get("/people/?q=l%C3%A9a").status_code == 200
