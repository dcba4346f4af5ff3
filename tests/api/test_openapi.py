"""The OpenAPI document declares what every operation answers: its own statuses and the API's common ones."""

from __future__ import annotations

import json
from typing import Any

import pytest

from essaim.api.main import api
from essaim.api.openapi import common_statuses, complete
from essaim.spaces.models import Membership, Space
from essaim.stream.models import Emoji

ERROR = {"$ref": "#/components/schemas/Error"}
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The document /api/openapi.json serves (tests/api/test_main.py fetches it; once is enough here)."""
    return json.loads(json.dumps(api.get_openapi_schema()))


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_every_operation_declares_the_apis_common_statuses(document: dict[str, Any]) -> None:
    missing = {
        f"{method.upper()} {path}": sorted(
            status for status in common_statuses(method, operation) if str(status) not in operation["responses"]
        )
        for method, path, operation in operations(document)
    }
    assert {name: statuses for name, statuses in missing.items() if statuses} == {}
    assert len(missing) > 50


def test_what_the_common_statuses_are(document: dict[str, Any]) -> None:
    by_name = {f"{method.upper()} {path}": (method, op) for method, path, op in operations(document)}
    assert common_statuses(*by_name["GET /api/v1/timelines/home"]) == [400, 429, 401]
    assert common_statuses(*by_name["DELETE /api/v1/spaces/{space_id}"]) == [400, 429, 401, 403]
    assert common_statuses(*by_name["POST /api/v1/statuses"]) == [400, 429, 401, 403, 413, 422]


def test_every_error_has_the_error_shape_and_429_says_when_to_retry(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert response["content"] == {"application/json": {"schema": ERROR}}, (method, path, status)
        assert operation["responses"]["429"]["headers"]["Retry-After"]["required"] is True
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "error_description"}


def test_operations_declare_their_own_statuses(document: dict[str, Any]) -> None:
    responses = document["paths"]["/api/v1/spaces/{space_id}/members/{member_id}"]["patch"]["responses"]
    assert {"200", "403", "404", "422"} <= set(responses)
    assert "404" in document["paths"]["/api/v1/statuses/{status_id}"]["get"]["responses"]


def test_ids_are_strings_of_digits_wherever_they_are_named(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"].endswith("_id"):
                assert parameter["schema"]["pattern"] == "^[0-9]+$", (method, path, parameter["name"])
    status_create = document["paths"]["/api/v1/statuses"]["post"]["requestBody"]["content"]["application/json"]
    properties = status_create["schema"]["properties"]
    assert properties["space_id"]["anyOf"][0]["pattern"] == "^[0-9]+$"
    assert properties["media_ids"]["items"]["pattern"] == "^[0-9]+$"


def test_cursors_are_documented_as_the_numbers_the_server_reads(document: dict[str, Any]) -> None:
    parameters = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/timelines/public"]["get"]["parameters"]}
    assert parameters["max_id"] == {"type": "integer", "minimum": 0, "maximum": 2**63 - 1} | {
        "description": parameters["max_id"]["description"],
        "title": "Max Id",
    }
    assert parameters["limit"]["minimum"] == 1
    assert "maximum" not in parameters["limit"]  # more than 40 is 40 (core.pagination), as Mastodon answers


def test_enums_are_the_models_choices(document: dict[str, Any]) -> None:
    def body(path: str, method: str) -> dict[str, Any]:
        schema: dict[str, Any] = document["paths"][path][method]["requestBody"]["content"]["application/json"]
        return schema["schema"]["properties"]

    assert body("/api/v1/spaces", "post")["visibility"]["enum"] == Space.Visibility.values
    assert body("/api/v1/spaces/{space_id}/members/{member_id}", "patch")["role"]["enum"] == Membership.Role.values
    assert body("/api/v1/spaces/{space_id}/invitations", "post")["role"]["enum"] == Membership.Role.values
    assert body("/api/v1/statuses", "post")["visibility"]["enum"] == ["public", "unlisted", "private", "direct"]
    reactions = document["paths"]["/api/v1/essaim/statuses/{status_id}/reactions/{emoji}"]["put"]["parameters"]
    assert next(p for p in reactions if p["name"] == "emoji")["schema"]["enum"] == Emoji.values
    scopes = {p["name"]: p for p in document["paths"]["/api/v1/spaces"]["get"]["parameters"]}["scope"]["schema"]
    assert scopes["enum"] == ["", "mine", "public", "private", "archived"]


def test_bodies_whose_fields_are_all_optional_may_be_left_out(document: dict[str, Any]) -> None:
    def required(path: str, method: str) -> bool:
        return bool(document["paths"][path][method]["requestBody"]["required"])

    assert required("/api/v1/statuses", "post")
    assert required("/api/v1/spaces", "post")
    assert not required("/api/v1/spaces/{space_id}", "patch")
    assert not required("/api/v1/spaces/{space_id}/join_requests", "post")
    assert not required("/api/v1/spaces/{space_id}/join_requests/{request_id}/approve", "post")


def test_complete_adds_the_error_schema_and_keeps_an_operations_own_success() -> None:
    document = {"paths": {"/x": {"post": {"responses": {"204": {"description": "No Content"}}, "security": [{}]}}}}
    completed = complete(document)
    assert list(completed["paths"]["/x"]["post"]["responses"]) == ["204", "400", "401", "403", "429"]
    assert "Error" in completed["components"]["schemas"]
