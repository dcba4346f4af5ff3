"""The assembled API: OpenAPI document, interactive docs, error shape, language, rate limit."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from openapi_spec_validator import validate

from essaim.accounts.models import User
from tests.api.conftest import TokenClient


class TestOpenApi:
    def test_the_document_is_valid_openapi(self, client: Client, db: None) -> None:
        response = client.get("/api/openapi.json")
        assert response.status_code == 200
        document = response.json()
        validate(document)
        assert "/api/v1/timelines/home" in document["paths"]
        assert "/api/v1/accounts/verify_credentials" in document["paths"]

    def test_bearer_and_session_schemes_are_documented(self, client: Client, db: None) -> None:
        schemes = client.get("/api/openapi.json").json()["components"]["securitySchemes"]
        assert {scheme["type"] for scheme in schemes.values()} == {"http", "apiKey"}


class TestDocs:
    def test_docs_are_served_from_essaim_with_nonced_scripts(self, client: Client, db: None) -> None:
        response = client.get("/api/docs")
        assert response.status_code == 200
        html = response.content.decode()
        csp = response["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", csp)
        assert nonce is not None
        scripts = re.findall(r"<script src=\"([^\"]+)\" nonce=\"([^\"]+)\"", html)
        assert [src for src, _n in scripts] == [
            "/static/ninja/swagger-ui-bundle.js",
            "/static/ninja/swagger-ui-init.js",
        ]
        assert all(n == nonce.group(1) for _src, n in scripts)
        assert "cdn" not in html.lower()
        assert "/static/ninja/swagger-ui.css" in html

    def test_swagger_files_are_available_locally(self, client: Client, db: None) -> None:
        from django.contrib.staticfiles import finders

        assert finders.find("ninja/swagger-ui-bundle.js")
        assert finders.find("ninja/swagger-ui-init.js")


class TestErrors:
    def test_missing_things_answer_404_in_mastodon_shape(self, api_client: TokenClient) -> None:
        response = api_client.get("/api/v1/accounts/123456789")
        assert response.status_code == 404
        assert response.json() == {
            "error": "Record not found",
            "error_description": "It does not exist, or you are not allowed to see it.",
        }

    def test_messages_follow_the_accept_language_header(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        english = client.get("/api/v1/accounts/123456789", headers={"Accept-Language": "en"})
        french = client.get("/api/v1/accounts/123456789", headers={"Accept-Language": "fr"})
        assert english.json()["error"] == "Record not found"
        assert (english["Content-Language"], french["Content-Language"]) == ("en", "fr")
        assert set(french.json()) == {"error", "error_description"}

    def test_invalid_parameters_answer_422_naming_the_field(self, api_client: TokenClient) -> None:
        response = api_client.get("/api/v1/accounts/search")
        assert response.status_code == 422
        assert "q" in response.json()["error"]

    def test_unknown_paths_under_api_are_404(self, api_client: TokenClient) -> None:
        assert api_client.get("/api/v1/nothing-here").status_code == 404

    @pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
    def test_an_unreadable_multipart_body_is_400_not_a_server_error(
        self, api_client: TokenClient, content_type: str
    ) -> None:
        response = api_client.post("/api/v2/media", data=b"xx", content_type=content_type)
        assert response.status_code == 400
        assert response.json()["error"] == "Bad request"


class TestRateLimit:
    @pytest.fixture(autouse=True)
    def _tight_limit(self, settings: object) -> None:
        settings.API_RATE_LIMIT = "3/60"  # type: ignore[attr-defined]

    def test_going_over_the_limit_answers_429_with_retry_after(self, api_client: TokenClient) -> None:
        statuses = [api_client.get("/api/v1/accounts/verify_credentials").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = api_client.get("/api/v1/accounts/verify_credentials")
        assert response.json()["error"] == "Too many requests"
        assert int(response["Retry-After"]) >= 1

    def test_each_token_has_its_own_budget(self, api_client: TokenClient, colleague: User) -> None:
        from tests.api.conftest import token_client_for

        for _ in range(3):
            api_client.get("/api/v1/accounts/verify_credentials")
        assert api_client.get("/api/v1/accounts/verify_credentials").status_code == 429
        assert token_client_for(colleague).get("/api/v1/accounts/verify_credentials").status_code == 200
