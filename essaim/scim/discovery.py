"""What the server says of itself (RFC 7644 §4): ``ServiceProviderConfig``, ``Schemas``, ``ResourceTypes``.

The schemas are scim2-models' (RFC 7643's) reduced to the attributes Essaim keeps: a client, and
scim2-tester, then write and expect back only what is stored.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from scim2_models import Context, EnterpriseUser, Group, User

from essaim.scim.filters import GROUP_COLUMNS, USER_COLUMNS
from essaim.scim.resources import ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA

MAX_RESULTS = 200  # the largest page (``count``) and the most a filter returns at once

# attribute → the sub-attributes kept (``None``: a simple attribute); what is not here is not published.
KEPT: dict[str, dict[str, set[str] | None]] = {
    USER_SCHEMA: {
        "userName": None,
        "name": {"givenName", "familyName"},
        "displayName": None,
        "title": None,
        "preferredLanguage": None,
        "active": None,
        "emails": {"value", "type", "primary"},
        "phoneNumbers": {"value", "type", "primary"},
        "groups": {"value", "$ref", "type"},
    },
    ENTERPRISE: {"employeeNumber": None, "department": None, "manager": {"value", "$ref"}},
    GROUP_SCHEMA: {"displayName": None, "members": {"value", "$ref"}},
}
READ_ONLY = {"groups"}


def _reduced(model: Any, schema_id: str) -> dict[str, Any]:
    schema = model.to_schema().model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    kept = KEPT[schema_id]
    attributes = []
    for attribute in schema["attributes"]:
        if attribute["name"] not in kept:
            continue
        subs = kept[attribute["name"]]
        if subs is not None:
            attribute["subAttributes"] = [s for s in attribute.get("subAttributes", []) if s["name"] in subs]
            for sub in attribute["subAttributes"]:
                if sub["name"] == "$ref" and schema_id == GROUP_SCHEMA:
                    sub["referenceTypes"] = ["User"]  # a group's members are people
        if attribute["name"] == "active":
            # An account is always active or not: Essaim asks for it (and takes a missing one as true).
            attribute["required"] = True
        if attribute["name"] in READ_ONLY:
            attribute["mutability"] = "readOnly"
            for sub in attribute.get("subAttributes", []):
                sub["mutability"] = "readOnly"
        attributes.append(attribute)
    schema["attributes"] = attributes
    schema["meta"] = {"resourceType": "Schema", "location": f"/Schemas/{schema_id}"}
    return schema


@cache
def schemas() -> dict[str, dict[str, Any]]:
    return {
        USER_SCHEMA: _reduced(User, USER_SCHEMA),
        ENTERPRISE: _reduced(EnterpriseUser, ENTERPRISE),
        GROUP_SCHEMA: _reduced(Group, GROUP_SCHEMA),
    }


def resource_types() -> dict[str, dict[str, Any]]:
    return {
        "User": {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "A person of the network",
            "schema": USER_SCHEMA,
            "schemaExtensions": [{"schema": ENTERPRISE, "required": False}],
            "meta": {"resourceType": "ResourceType", "location": "/ResourceTypes/User"},
        },
        "Group": {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": "Group",
            "name": "Group",
            "endpoint": "/Groups",
            "description": "A department: its members are the people in it",
            "schema": GROUP_SCHEMA,
            "meta": {"resourceType": "ResourceType", "location": "/ResourceTypes/Group"},
        },
    }


def service_provider_config(*, documentation: str) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": documentation,
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A token a network administrator creates under /manage/scim/",
                "primary": True,
            }
        ],
        "meta": {"resourceType": "ServiceProviderConfig", "location": "/ServiceProviderConfig"},
    }


FILTERABLE = {"User": sorted(USER_COLUMNS), "Group": sorted(GROUP_COLUMNS)}
