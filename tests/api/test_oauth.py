"""OAuth 2 the Mastodon way: register an app, authorise it, trade the code, call the API within the scopes, revoke."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken

from essaim.accounts.models import User
from essaim.api import oauth
from tests.api.conftest import TokenClient

OOB = "urn:ietf:wg:oauth:2.0:oob"


def register(client: Client, *, scopes: str = "read write follow", redirect: str = OOB) -> dict[str, Any]:
    response = client.post(
        "/api/v1/apps",
        {"client_name": "Pocket", "redirect_uris": redirect, "scopes": scopes, "website": "https://pocket.example"},
    )
    assert response.status_code == 200, response.content
    return response.json()


def authorise(person: User, app: dict[str, Any], *, scope: str, redirect: str = OOB, **extra: str) -> str:
    """Sign in as ``person``, accept the consent page and answer the code."""
    browser = Client()
    browser.force_login(person)
    query = {"client_id": app["client_id"], "redirect_uri": redirect, "response_type": "code", "scope": scope, **extra}
    page = browser.get("/oauth/authorize", query)
    assert page.status_code == 200, page.content
    form = {k: v for k, v in page.context["form"].initial.items() if v is not None} | {"allow": "Authorize"}
    answer = browser.post("/oauth/authorize?" + "&".join(f"{k}={v}" for k, v in query.items()), form)
    if redirect == OOB:
        assert answer.status_code == 200
        return str(answer.context["code"])
    assert answer.status_code == 302
    return parse_qs(urlsplit(answer["Location"]).query)["code"][0]


def token_for(app: dict[str, Any], code: str, *, redirect: str = OOB, **extra: str) -> dict[str, Any]:
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": redirect,
            **extra,
        },
    )
    assert response.status_code == 200, response.content
    return response.json()


class TestApps:
    def test_registering_answers_the_credentials_once(self, client: Client, db: None) -> None:
        app = register(client)
        assert app["name"] == "Pocket"
        assert app["scopes"] == ["read", "write", "follow"]
        assert app["redirect_uris"] == [OOB]
        assert len(app["client_secret"]) >= 32

    @pytest.mark.parametrize("uri", ["javascript:alert(1)", "data:text/html,x", "https://x.example/cb#frag", ""])
    def test_a_dangerous_redirect_is_refused(self, client: Client, db: None, uri: str) -> None:
        response = client.post("/api/v1/apps", {"client_name": "Bad", "redirect_uris": uri})
        assert response.status_code == 422
        assert response.json()["error"]

    def test_an_unknown_scope_is_refused(self, client: Client, db: None) -> None:
        response = client.post("/api/v1/apps", {"client_name": "Bad", "redirect_uris": OOB, "scopes": "read admin"})
        assert response.status_code == 422

    def test_json_bodies_and_lists_are_accepted(self, client: Client, db: None) -> None:
        body = {"client_name": "Elk", "redirect_uris": ["https://elk.example/cb", "elk://cb"], "scopes": "read"}
        response = client.post("/api/v1/apps", body, content_type="application/json")
        assert response.json()["redirect_uris"] == ["https://elk.example/cb", "elk://cb"]


class TestAuthorisation:
    def test_oob_code_then_token_then_the_api(self, client: Client, employee: User) -> None:
        app = register(client)
        code = authorise(employee, app, scope="read write")
        token = token_for(app, code)
        assert token["token_type"].lower() == "bearer"
        assert token["scope"] == "read write"
        me = TokenClient(token["access_token"]).get("/api/v1/accounts/verify_credentials")
        assert me.status_code == 200
        assert me.json()["id"] == str(employee.pk)
        verify = TokenClient(token["access_token"]).get("/api/v1/apps/verify_credentials")
        assert verify.json()["name"] == "Pocket"

    def test_the_consent_page_speaks_the_persons_language(self, client: Client, employee: User) -> None:
        employee.language = "fr"
        employee.save(update_fields=["language"])
        app = register(client)
        browser = Client()
        browser.force_login(employee)
        query = {"client_id": app["client_id"], "redirect_uri": OOB, "response_type": "code", "scope": "read"}
        page = browser.get("/oauth/authorize", query)
        assert page.status_code == 200
        assert "Pocket" in page.content.decode()
        assert page.context["LANGUAGE_CODE"] == "fr"

    def test_signed_out_people_are_sent_to_sign_in(self, client: Client, db: None) -> None:
        app = register(client)
        query = {"client_id": app["client_id"], "redirect_uri": OOB, "response_type": "code", "scope": "read"}
        response = Client().get("/oauth/authorize", query)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_an_app_scheme_is_redirected_to_and_allowed_by_the_csp(self, client: Client, employee: User) -> None:
        app = register(client, redirect="pocket://oauth")
        browser = Client()
        browser.force_login(employee)
        query = {"client_id": app["client_id"], "redirect_uri": "pocket://oauth", "response_type": "code"}
        page = browser.get("/oauth/authorize", query)
        assert "pocket:" in page["Content-Security-Policy"]
        code = authorise(employee, app, scope="read", redirect="pocket://oauth")
        assert token_for(app, code, redirect="pocket://oauth")["access_token"]

    def test_pkce(self, client: Client, employee: User) -> None:
        app = register(client)
        verifier = "v" * 64
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        code = authorise(employee, app, scope="read", code_challenge=challenge, code_challenge_method="S256")
        response = Client().post(
            "/oauth/token",
            {
                "grant_type": "authorization_code",
                "code": code,
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "redirect_uri": OOB,
                "code_verifier": "wrong" * 10,
            },
        )
        assert response.status_code == 400
        assert token_for(app, code, code_verifier=verifier)["access_token"]

    def test_more_scopes_than_registered_are_refused(self, client: Client, employee: User) -> None:
        app = register(client, scopes="read")
        browser = Client()
        browser.force_login(employee)
        query = {"client_id": app["client_id"], "redirect_uri": OOB, "response_type": "code", "scope": "read write"}
        page = browser.get("/oauth/authorize", query)
        assert page.status_code == 200
        assert page.context["error"]

    def test_the_password_grant_is_refused(self, client: Client, employee: User) -> None:
        app = register(client)
        response = Client().post(
            "/oauth/token",
            {
                "grant_type": "password",
                "username": employee.email,
                "password": "x",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            },
        )
        assert response.status_code in {400, 401}

    def test_client_credentials_and_refresh(self, client: Client, employee: User) -> None:
        app = register(client)
        own = Client().post(
            "/oauth/token",
            {"grant_type": "client_credentials", "client_id": app["client_id"], "client_secret": app["client_secret"]},
        )
        assert own.status_code == 200, own.content
        app_token = own.json()["access_token"]
        assert TokenClient(app_token).get("/api/v1/apps/verify_credentials").status_code == 200
        assert TokenClient(app_token).get("/api/v1/timelines/home").status_code == 401  # nobody's token
        token = token_for(app, authorise(employee, app, scope="read"))
        refreshed = Client().post(
            "/oauth/token",
            {
                "grant_type": "refresh_token",
                "refresh_token": token["refresh_token"],
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            },
        )
        assert refreshed.status_code == 200, refreshed.content
        assert TokenClient(refreshed.json()["access_token"]).get("/api/v1/timelines/home").status_code == 200

    def test_revoke(self, client: Client, employee: User) -> None:
        app = register(client)
        token = token_for(app, authorise(employee, app, scope="read"))
        response = Client().post(
            "/oauth/revoke",
            {"token": token["access_token"], "client_id": app["client_id"], "client_secret": app["client_secret"]},
        )
        assert response.status_code == 200
        assert response.json() == {}
        assert TokenClient(token["access_token"]).get("/api/v1/timelines/home").status_code == 401

    def test_metadata(self, client: Client, db: None) -> None:
        data = client.get("/.well-known/oauth-authorization-server").json()
        assert data["authorization_endpoint"].endswith("/oauth/authorize")
        assert data["token_endpoint"].endswith("/oauth/token")
        assert "password" not in data["grant_types_supported"]
        assert "read:statuses" in data["scopes_supported"]


class TestScopes:
    @pytest.fixture
    def read_only(self, client: Client, employee: User) -> TokenClient:
        app = register(client)
        return TokenClient(token_for(app, authorise(employee, app, scope="read"))["access_token"])

    def test_read_reads_but_does_not_write(self, read_only: TokenClient) -> None:
        assert read_only.get("/api/v1/timelines/home").status_code == 200
        refused = read_only.post("/api/v1/statuses", {"status": "Hello"})
        assert refused.status_code == 403
        assert "scope" in refused.json()["error"]

    def test_a_granular_scope(self, client: Client, employee: User) -> None:
        app = register(client, scopes="read:statuses write:statuses")
        token = TokenClient(
            token_for(app, authorise(employee, app, scope="read:statuses write:statuses"))["access_token"]
        )
        assert token.post("/api/v1/statuses", {"status": "Hello"}).status_code == 200
        assert token.get("/api/v1/timelines/home").status_code == 200
        assert token.get("/api/v1/notifications").status_code == 403

    def test_profile_opens_verify_credentials_only(self, client: Client, employee: User) -> None:
        app = register(client, scopes="profile")
        token = TokenClient(token_for(app, authorise(employee, app, scope="profile"))["access_token"])
        assert token.get("/api/v1/accounts/verify_credentials").status_code == 200
        assert token.get("/api/v1/timelines/home").status_code == 403

    def test_personal_tokens_keep_every_scope(self, api_client: TokenClient) -> None:
        assert api_client.post("/api/v1/statuses", {"status": "Hello"}).status_code == 200


class TestAuthorisedAppsPage:
    def test_lists_and_revokes(self, client: Client, employee: User) -> None:
        app = register(client)
        token = token_for(app, authorise(employee, app, scope="read write"))
        browser = Client()
        browser.force_login(employee)
        page = browser.get("/accounts/apps/")
        assert page.status_code == 200
        [listed] = page.context["apps"]
        assert listed["name"] == "Pocket"
        assert listed["scopes"] == ["read", "write"]
        assert browser.post(f"/accounts/apps/{listed['id']}/revoke/").status_code == 302
        assert not AccessToken.objects.filter(user=employee).exists()
        assert TokenClient(token["access_token"]).get("/api/v1/timelines/home").status_code == 401

    def test_someone_elses_app_cannot_be_revoked(self, client: Client, employee: User, colleague: User) -> None:
        app = register(client)
        token_for(app, authorise(employee, app, scope="read"))
        listed = oauth.authorised_apps_for(actor=employee)[0]
        browser = Client()
        browser.force_login(colleague)
        assert browser.post(f"/accounts/apps/{listed['id']}/revoke/").status_code == 404
        assert AccessToken.objects.filter(user=employee).exists()


def test_a_deactivation_signs_every_app_out(client: Client, employee: User, network_admin: User) -> None:
    from essaim.accounts import services as account_services

    app = register(client)
    token = token_for(app, authorise(employee, app, scope="read"))
    account_services.user_deactivate(actor=network_admin, user=employee)
    assert not AccessToken.objects.filter(user=employee).exists()
    assert TokenClient(token["access_token"]).get("/api/v1/timelines/home").status_code == 401
