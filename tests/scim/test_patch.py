"""PATCH operations applied to a resource's JSON (RFC 7644 §3.5.2), in Okta's and Entra's spellings too."""

from __future__ import annotations

from typing import Any

import pytest

from essaim.scim.errors import ScimError
from essaim.scim.patch import apply
from tests.scim.conftest import ENTERPRISE, patch_op


def resource() -> dict[str, Any]:
    return {
        "id": "7",
        "userName": "lea@example.com",
        "name": {"givenName": "Léa", "familyName": "Martin"},
        "emails": [{"value": "lea@example.com", "type": "work", "primary": True}],
        "members": [{"value": "1"}, {"value": "2"}],
        ENTERPRISE: {"department": "Ventes", "manager": {"value": "3"}},
    }


def test_replace_without_a_path_takes_the_values_keys_as_attributes() -> None:
    changed = apply(
        resource(), patch_op({"op": "replace", "value": {"active": False, "name": {"familyName": "Petit"}}})
    )
    assert changed["active"] is False
    assert changed["name"] == {"givenName": "Léa", "familyName": "Petit"}  # the sub-attributes not given stay


def test_entra_keys_may_be_paths_and_ops_capitalised() -> None:
    body = patch_op({"op": "Replace", "value": {"name.givenName": "Lucie", f"{ENTERPRISE}:department": "RH"}})
    changed = apply(resource(), body)
    assert changed["name"]["givenName"] == "Lucie"
    assert changed[ENTERPRISE]["department"] == "RH"


def test_value_paths_change_remove_and_create_items() -> None:
    changed = apply(resource(), patch_op({"op": "replace", "path": 'emails[type eq "work"].value', "value": "l@x.fr"}))
    assert changed["emails"] == [{"value": "l@x.fr", "type": "work", "primary": True}]
    created = apply(resource(), patch_op({"op": "add", "path": 'emails[type eq "home"].value', "value": "h@x.fr"}))
    assert {"type": "home", "value": "h@x.fr"} in created["emails"]
    removed = apply(resource(), patch_op({"op": "remove", "path": 'members[value eq "1"]'}))
    assert removed["members"] == [{"value": "2"}]
    emptied = apply(resource(), patch_op({"op": "remove", "path": 'members[value eq "1" or value eq "2"]'}))
    assert "members" not in emptied


def test_add_to_a_multi_valued_attribute_appends_once() -> None:
    changed = apply(resource(), patch_op({"op": "add", "path": "members", "value": [{"value": "2"}, {"value": "9"}]}))
    assert changed["members"] == [{"value": "1"}, {"value": "2"}, {"value": "9"}]


def test_remove_with_a_value_removes_those_members() -> None:
    changed = apply(resource(), patch_op({"op": "remove", "path": "members", "value": [{"value": "1"}]}))
    assert changed["members"] == [{"value": "2"}]


def test_the_extension_and_its_sub_attributes() -> None:
    assert "manager" not in apply(resource(), patch_op({"op": "remove", "path": f"{ENTERPRISE}:manager"}))[ENTERPRISE]
    body = patch_op({"op": "add", "path": ENTERPRISE, "value": {"employeeNumber": "42"}})
    assert apply(resource(), body)[ENTERPRISE]["employeeNumber"] == "42"
    body = patch_op({"op": "replace", "path": f"{ENTERPRISE}:manager.value", "value": "5"})
    assert apply(resource(), body)[ENTERPRISE]["manager"] == {"value": "5"}


def test_the_original_is_left_alone() -> None:
    original = resource()
    apply(original, patch_op({"op": "remove", "path": "name"}))
    assert original == resource()


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        ({"Operations": [{"op": "add", "path": "title", "value": "x"}]}, "invalidSyntax"),
        (patch_op({"op": "copy", "path": "title"}), "invalidSyntax"),
        (patch_op({"op": "remove"}), "noTarget"),
        (patch_op({"op": "replace", "path": "id", "value": "8"}), "mutability"),
        (patch_op({"op": "replace", "value": "not an object"}), "invalidValue"),
        (patch_op({"op": "replace", "path": 'emails[type eq "work".value', "value": "x"}), "invalidPath"),
        ({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": []}, "invalidSyntax"),
    ],
)
def test_bad_patches_are_400(body: dict[str, Any], scim_type: str) -> None:
    with pytest.raises(ScimError) as raised:
        apply(resource(), body)
    assert (raised.value.status, raised.value.scim_type) == (400, scim_type)
