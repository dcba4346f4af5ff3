"""Instance and discovery: what an app reads before signing in, CORS and Mastodon's rate-limit headers."""

from __future__ import annotations

import pytest
from django.test import Client

from essaim.accounts.models import User
from essaim.api import scopes
from essaim.api.main import api
from essaim.stream.models import POST_MAX_CHARS
from tests.api.conftest import TokenClient


def mastodon_py_version(version: str) -> tuple[int, int, int]:
    """What Mastodon.py keeps of the version string (its ``__normalize_version_string`` and parser)."""
    from mastodon.versions import parse_version_string

    return tuple(parse_version_string(version.split(" ", maxsplit=1)[0].split("+", maxsplit=1)[0]))  # type: ignore[return-value]


class TestInstance:
    def test_v1_answers_anyone_with_a_version_clients_read(self, client: Client, db: None) -> None:
        data = client.get("/api/v1/instance").json()
        assert data["version"].startswith("4.3.0 (compatible; Essaim ")
        assert mastodon_py_version(data["version"]) == (4, 3, 0)
        assert data["configuration"]["statuses"]["max_characters"] == POST_MAX_CHARS
        assert "image/png" in data["configuration"]["media_attachments"]["supported_mime_types"]
        assert data["configuration"]["polls"]["max_options"] == 10

    def test_v2_names_the_api_version(self, client: Client, db: None) -> None:
        data = client.get("/api/v2/instance").json()
        assert data["api_versions"] == {"mastodon": 2}
        assert data["configuration"]["statuses"]["max_characters"] == POST_MAX_CHARS

    def test_both_say_where_apps_stream_as_websocket_addresses(self, client: Client, db: None) -> None:
        assert client.get("/api/v1/instance").json()["urls"]["streaming_api"] == "ws://testserver"
        v2 = client.get("/api/v2/instance", headers={"X-Forwarded-Proto": "https"}).json()
        assert v2["configuration"]["urls"]["streaming"].startswith(("ws://testserver", "wss://testserver"))

    @pytest.mark.parametrize("path", ["/api/v1/instance/peers", "/api/v1/custom_emojis"])
    def test_empty_lists(self, client: Client, db: None, path: str) -> None:
        assert client.get(path).json() == []

    def test_preferences_need_a_person(self, client: Client, api_client: TokenClient) -> None:
        assert client.get("/api/v1/preferences").status_code == 401
        assert api_client.get("/api/v1/preferences").json()["posting:default:visibility"] == "public"


class TestDiscovery:
    def test_nodeinfo(self, client: Client, db: None) -> None:
        links = client.get("/.well-known/nodeinfo").json()["links"]
        assert links[0]["href"].endswith("/nodeinfo/2.0")
        info = client.get("/nodeinfo/2.0").json()
        assert info["software"]["name"] == "essaim"
        assert info["usage"] == {"users": {}}  # no member count published

    def test_webfinger_for_who_may_see_the_person(
        self, client: Client, api_client: TokenClient, colleague: User
    ) -> None:
        resource = f"acct:{colleague.handle}@testserver"
        assert client.get("/.well-known/webfinger", {"resource": resource}).status_code == 404
        found = api_client.get("/.well-known/webfinger", {"resource": resource})
        assert found.status_code == 200
        assert found.json()["subject"] == resource
        elsewhere = api_client.get("/.well-known/webfinger", {"resource": f"acct:{colleague.handle}@other.example"})
        assert elsewhere.status_code == 404


class TestEdges:
    def test_cors_on_the_api_and_the_token_endpoint_not_on_pages(self, client: Client, db: None) -> None:
        origin = {"HTTP_ORIGIN": "https://elk.example"}
        assert client.get("/api/v1/instance", **origin)["Access-Control-Allow-Origin"] == "*"
        preflight = client.options("/oauth/token", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST", **origin)
        assert preflight["Access-Control-Allow-Origin"] == "*"
        assert client.get("/.well-known/nodeinfo", **origin)["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Origin" not in client.get("/accounts/login/", **origin)

    def test_rate_limit_headers_and_429(self, api_client: TokenClient, settings: object) -> None:
        settings.API_RATE_LIMIT = "2/60"  # type: ignore[attr-defined]
        first = api_client.get("/api/v1/timelines/home")
        assert first["X-RateLimit-Limit"] == "2"
        assert first["X-RateLimit-Remaining"] == "1"
        assert first["X-RateLimit-Reset"].endswith("Z")
        api_client.get("/api/v1/timelines/home")
        refused = api_client.get("/api/v1/timelines/home")
        assert refused.status_code == 429
        assert refused["X-RateLimit-Remaining"] == "0"
        assert int(refused["Retry-After"]) >= 0

    def test_the_api_limit_is_one_of_the_named_limits(self, api_client: TokenClient, settings: object) -> None:
        settings.RATE_LIMITS = "api=2/60"  # type: ignore[attr-defined]
        assert api_client.get("/api/v1/timelines/home")["X-RateLimit-Limit"] == "2"
        api_client.get("/api/v1/timelines/home")
        assert api_client.get("/api/v1/timelines/home").status_code == 429
        settings.RATE_LIMITS = "off"  # type: ignore[attr-defined]
        unlimited = api_client.get("/api/v1/timelines/home")
        assert unlimited.status_code == 200
        assert "X-RateLimit-Limit" not in unlimited

    def test_a_trailing_slash_is_the_same_path(self, client: Client, db: None) -> None:
        assert client.get("/api/v1/instance/").json()["version"].startswith("4.3.0")

    def test_unknown_paths_answer_json(self, client: Client, db: None) -> None:
        response = client.get("/api/v1/reblogs/nope")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")


def test_every_operation_has_a_scope() -> None:
    """A new endpoint must be named in ``essaim.api.scopes.RULES`` (otherwise app tokens are refused on it)."""
    document = api.get_openapi_schema(path_prefix="")
    missing = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
        if scopes.required_scope(method, path.removeprefix("/").replace("{", "").replace("}", "")) is None
    ]
    assert missing == []
