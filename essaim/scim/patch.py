"""PATCH (RFC 7644 §3.5.2) applied to a resource as JSON: the result is then saved as a PUT would save it.

Operations ``add``, ``remove`` and ``replace`` (any case: Microsoft Entra writes ``Replace``), with a
``path`` (``title``, ``name.givenName``, ``emails[type eq "work"].value``, ``members[value eq "42"]``,
``urn:…:enterprise:2.0:User:manager``) or without one (``{"op": "replace", "value": {"active": false}}``, as
Okta deactivates; the value's keys may themselves be paths, as Entra writes them).
"""

from __future__ import annotations

import copy
from typing import Any

from essaim.scim.errors import ScimError, invalid_filter, invalid_path, invalid_value, no_target
from essaim.scim.filters import _literal, _tokens
from essaim.scim.resources import ENTERPRISE, GROUP_SCHEMA, NAMES, PATCH_SCHEMA, USER_SCHEMA, canonical

MULTI_VALUED = {"emails", "phoneNumbers", "members"}
READ_ONLY = {"id", "meta", "schemas", "groups"}


def apply(resource: dict[str, Any], body: Any) -> dict[str, Any]:
    """``resource`` changed by the PatchOp request ``body`` (a copy; ``resource`` is left alone)."""
    if not isinstance(body, dict):
        raise invalid_value("The request body must be a JSON object.")
    body = {key.lower(): value for key, value in body.items()}
    schemas = body.get("schemas") or []
    if PATCH_SCHEMA not in schemas:
        raise ScimError(400, f"A PATCH request's 'schemas' must be ['{PATCH_SCHEMA}'].", "invalidSyntax")
    operations = body.get("operations")
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "A PATCH request needs a list of 'Operations'.", "invalidSyntax")
    result = copy.deepcopy(resource)
    for raw in operations:
        if not isinstance(raw, dict):
            raise ScimError(400, "Each operation must be an object.", "invalidSyntax")
        operation = {key.lower(): value for key, value in raw.items()}
        op = str(operation.get("op", "")).lower()
        if op not in {"add", "remove", "replace"}:
            raise ScimError(400, f"Unknown operation {operation.get('op')!r}: add, remove or replace.", "invalidSyntax")
        path = operation.get("path")
        value = canonical(operation.get("value"))
        if path in (None, ""):
            if op == "remove":
                raise no_target("A 'remove' operation needs a 'path'.")
            if not isinstance(value, dict):
                raise invalid_value("Without a 'path', the 'value' must be an object of attributes.")
            for key, item in value.items():
                _apply_one(result, op, str(key), item)
        else:
            if not isinstance(path, str):
                raise invalid_path("'path' must be a string.")
            _apply_one(result, op, path, value)
    return result


def _split(path: str) -> tuple[list[str], str | None, str]:
    """``urn:…:enterprise:2.0:User:manager.value`` → (container keys, filter text or None, attribute path).

    The container is ``[ENTERPRISE]`` for the extension's attributes, ``[]`` for the core's; the attribute
    path is ``name.givenName``-like, or ``""`` for the extension itself."""
    lowered = path.strip().lower()
    container: list[str] = []
    rest = path.strip()
    if lowered == ENTERPRISE.lower():
        return [ENTERPRISE], None, ""
    if lowered.startswith(ENTERPRISE.lower() + ":"):
        container, rest = [ENTERPRISE], rest[len(ENTERPRISE) + 1 :]
    else:
        for schema in (USER_SCHEMA, GROUP_SCHEMA):
            if lowered.startswith(schema.lower() + ":"):
                rest = rest[len(schema) + 1 :]
    filter_text = None
    if "[" in rest:
        head, _, tail = rest.partition("[")
        filter_text, closing, after = tail.partition("]")
        if not closing:
            raise invalid_path(f"A '[' in the path {path!r} is not closed.")
        rest = head + after  # "emails" + ".value"
    return container, filter_text, rest


def _canonical_path(attribute: str) -> list[str]:
    return [NAMES.get(part.lower(), part) for part in attribute.split(".") if part]


def _matches(item: Any, filter_text: str) -> bool:
    """A value path's filter (``type eq "work"``, ``value eq "42" or value eq "43"``) on one item."""
    if not isinstance(item, dict):
        return False
    tokens = _tokens(filter_text)
    outcome: bool | None = None
    joiner = "or"
    position = 0
    while position < len(tokens):
        if position + 1 >= len(tokens):
            raise invalid_filter(f"Unreadable value filter {filter_text!r}.")
        name = NAMES.get(str(tokens[position][1]).lower(), str(tokens[position][1]))
        operator = str(tokens[position + 1][1]).lower()
        if operator == "pr":
            test = item.get(name) not in (None, "", [])
            position += 2
        else:
            if position + 2 >= len(tokens):
                raise invalid_filter(f"Unreadable value filter {filter_text!r}.")
            kind, raw = tokens[position + 2]
            expected = raw if kind == "value" else _literal(str(raw))
            test = _compare(item.get(name), operator, expected)
            position += 3
        outcome = test if outcome is None else (outcome or test) if joiner == "or" else (outcome and test)
        if position < len(tokens):
            joiner = str(tokens[position][1]).lower()
            if joiner not in {"and", "or"}:
                raise invalid_filter(f"Unreadable value filter {filter_text!r}.")
            position += 1
    return bool(outcome)


def _compare(actual: Any, operator: str, expected: Any) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        actual_bool = str(actual).lower() == "true"
        expected_bool = str(expected).lower() == "true"
        return (actual_bool == expected_bool) if operator == "eq" else (actual_bool != expected_bool)
    left, right = str(actual if actual is not None else "").lower(), str(expected).lower()
    match operator:
        case "eq":
            return left == right
        case "ne":
            return left != right
        case "co":
            return right in left
        case "sw":
            return left.startswith(right)
        case "ew":
            return left.endswith(right)
        case _:
            raise invalid_filter(f"Operator {operator!r} is not supported in a value path.")


def _item_from_filter(filter_text: str) -> dict[str, Any]:
    """``type eq "work"`` → ``{"type": "work"}``: the item an ``add`` or ``replace`` creates when none matches."""
    tokens = _tokens(filter_text)
    item: dict[str, Any] = {}
    for position in range(0, len(tokens) - 2, 4):
        if str(tokens[position + 1][1]).lower() == "eq":
            kind, raw = tokens[position + 2]
            item[NAMES.get(str(tokens[position][1]).lower(), str(tokens[position][1]))] = (
                raw if kind == "value" else _literal(str(raw))
            )
    return item


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _apply_one(resource: dict[str, Any], op: str, path: str, value: Any) -> None:  # noqa: PLR0912, PLR0915 - the RFC's cases, one after another
    container_keys, filter_text, attribute = _split(path)
    parts = _canonical_path(attribute)
    if parts and parts[0] in READ_ONLY:
        raise ScimError(400, f"'{parts[0]}' cannot be changed.", "mutability")
    target = resource
    for key in container_keys:
        target = target.setdefault(key, {})
    if not parts:  # the extension itself: its attributes
        if op == "remove":
            resource.pop(ENTERPRISE, None)
            return
        if not isinstance(value, dict):
            raise invalid_value("The extension's value must be an object.")
        for key, item in value.items():
            _set(target, [NAMES.get(str(key).lower(), str(key))], item, op)
        return
    head, sub = parts[0], parts[1:]
    if filter_text is not None:
        items = target.get(head)
        items = items if isinstance(items, list) else []
        matching = [item for item in items if _matches(item, filter_text)]
        if op == "remove":
            if sub:
                for item in matching:
                    item.pop(sub[0], None)
            else:
                target[head] = [item for item in items if item not in matching]
            if head in target and not target[head]:
                target.pop(head)
            return
        if not matching:  # Entra adds ``emails[type eq "work"].value`` as a replace: make the item
            created = _item_from_filter(filter_text)
            items.append(created)
            matching = [created]
            target[head] = items
        for item in matching:
            if sub:
                item[sub[0]] = value
            elif isinstance(value, dict):
                item.update(value)
            else:
                raise invalid_value(f"The value for {path!r} must be an object.")
        return
    if op == "remove":
        if head in MULTI_VALUED and not sub and value:  # remove the members named in the value
            names = {str(v.get("value")) for v in _as_list(value) if isinstance(v, dict)}
            kept = [item for item in target.get(head, []) if str(item.get("value")) not in names]
            target[head] = kept
            return
        _remove(target, [head, *sub])
        return
    if head in MULTI_VALUED and not sub:
        new_items = [item for item in _as_list(value) if item is not None]
        if not all(isinstance(item, dict) for item in new_items):
            raise invalid_value(f"'{head}' takes objects.")
        if op == "replace":
            target[head] = new_items
        else:
            existing = target.setdefault(head, [])
            known = {str(item.get("value")).lower() for item in existing}
            existing.extend(item for item in new_items if str(item.get("value")).lower() not in known)
        return
    if head in MULTI_VALUED and sub:  # ``emails.value`` without a filter: the primary (or first) item
        items = target.setdefault(head, [])
        if not items:
            items.append({"primary": True})
        chosen = next((item for item in items if item.get("primary")), items[0])
        chosen[sub[0]] = value
        return
    _set(target, [head, *sub], value, op)


def _set(target: dict[str, Any], parts: list[str], value: Any, op: str) -> None:
    for key in parts[:-1]:
        child = target.get(key)
        if not isinstance(child, dict):
            child = target[key] = {}
        target = child
    last = parts[-1]
    if isinstance(value, dict) and isinstance(target.get(last), dict):
        target[last].update(value)  # a complex attribute: the sub-attributes given, the others kept
    else:
        target[last] = value


def _remove(target: dict[str, Any], parts: list[str]) -> None:
    for key in parts[:-1]:
        child = target.get(key)
        if not isinstance(child, dict):
            return
        target = child
    target.pop(parts[-1], None)
