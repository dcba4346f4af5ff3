"""A directory's token and a client that speaks SCIM with it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from essaim.accounts.models import User
from essaim.scim import services
from essaim.scim.actors import DirectoryActor
from essaim.scim.models import ScimToken

BASE = "/scim/v2"


class ScimClient:
    """``Client`` with the bearer token and SCIM's content type; answers parsed."""

    def __init__(self, client: Client, raw: str) -> None:
        self.client = client
        self.raw = raw

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        url = path if path.startswith("/") else f"{BASE}/{path}"
        kwargs: dict[str, Any] = {"headers": {"Authorization": f"Bearer {self.raw}", **headers}}
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/scim+json"
        response = getattr(self.client, method.lower())(url, **kwargs)
        response.json_body = json.loads(response.content) if response.content else None
        return response

    def get(self, path: str, **headers: str) -> Any:
        return self.call("GET", path, **headers)

    def post(self, path: str, body: Any, **headers: str) -> Any:
        return self.call("POST", path, body, **headers)

    def put(self, path: str, body: Any, **headers: str) -> Any:
        return self.call("PUT", path, body, **headers)

    def patch(self, path: str, body: Any, **headers: str) -> Any:
        return self.call("PATCH", path, body, **headers)

    def delete(self, path: str, **headers: str) -> Any:
        return self.call("DELETE", path, **headers)


@pytest.fixture
def scim_token(network_admin: User) -> tuple[ScimToken, str]:
    return services.scim_token_create(actor=network_admin, name="Okta")


@pytest.fixture
def directory(scim_token: tuple[ScimToken, str]) -> DirectoryActor:
    return DirectoryActor(token=scim_token[0])


@pytest.fixture
def scim(client: Client, scim_token: tuple[ScimToken, str]) -> ScimClient:
    return ScimClient(client, scim_token[1])


def patch_op(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": list(operations)}


USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def okta_user(user_name: str = "lea.martin@example.com", **extra: Any) -> dict[str, Any]:
    """A user as Okta's SCIM 2.0 integration creates one (Okta's developer guide)."""
    return {
        "schemas": [USER_SCHEMA],
        "userName": user_name,
        "name": {"givenName": "Léa", "familyName": "Martin"},
        "emails": [{"primary": True, "value": user_name, "type": "work"}],
        "displayName": "Léa Martin",
        "locale": "fr-FR",
        "externalId": "00u1abcd2EFGH3ijk4l5",
        "groups": [],
        "password": "not-stored",
        "active": True,
        **extra,
    }
