"""SCIM resources as JSON: a person (``User`` with the enterprise extension) and a department (``Group``),
read from the request (``user_fields``, ``group_fields``) and written for the answer (``user_resource``,
``group_resource``), with their version (``meta.version``, the ETag).

Attribute names are case-insensitive in SCIM (RFC 7643 §2.1): ``canonical`` rewrites a payload's keys to
the names this module uses. Booleans come as ``true`` or, from Microsoft Entra, as ``"True"``/``"False"``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from essaim.accounts.models import User
from essaim.people.models import Department, Profile
from essaim.scim.errors import invalid_value
from essaim.scim.models import ScimGroup, ScimIdentity

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
PLACEHOLDER_DOMAIN = "directory.invalid"  # the address of a person the directory sent without one

# Every attribute name this server knows, by its lower-case spelling (sub-attributes included).
NAMES = {
    name.lower(): name
    for name in [
        "schemas",
        "id",
        "externalId",
        "meta",
        "userName",
        "name",
        "givenName",
        "familyName",
        "formatted",
        "displayName",
        "title",
        "preferredLanguage",
        "active",
        "emails",
        "phoneNumbers",
        "value",
        "type",
        "primary",
        "display",
        "groups",
        "members",
        "employeeNumber",
        "department",
        "manager",
        "$ref",
        "resourceType",
        "created",
        "lastModified",
        "location",
        "version",
    ]
}
NAMES[ENTERPRISE.lower()] = ENTERPRISE


def canonical(value: Any) -> Any:
    """``{"UserName": …, "Emails": [{"Value": …}]}`` → ``{"userName": …, "emails": [{"value": …}]}``."""
    if isinstance(value, dict):
        return {NAMES.get(key.lower(), key) if isinstance(key, str) else key: canonical(v) for key, v in value.items()}
    if isinstance(value, list):
        return [canonical(item) for item in value]
    return value


def boolean(value: Any, attribute: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise invalid_value(f"'{attribute}' must be true or false.")


def _text(value: Any, attribute: str, *, max_length: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise invalid_value(f"'{attribute}' must be a string.")
    text = str(value).strip()
    if len(text) > max_length:
        raise invalid_value(f"'{attribute}' is longer than {max_length} characters.")
    return text


def _multi(value: Any, attribute: str) -> list[dict[str, Any]]:
    """A multi-valued complex attribute (``emails``, ``phoneNumbers``), each item ``{"value", "type", "primary"}``."""
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise invalid_value(f"'{attribute}' must be a list of objects.")
    items: list[dict[str, Any]] = []
    for item in value:
        kept = {key: item[key] for key in ("value", "type", "primary", "display") if item.get(key) is not None}
        if "primary" in kept:
            kept["primary"] = boolean(kept["primary"], f"{attribute}.primary")
        if "value" in kept:
            kept["value"] = _text(kept["value"], f"{attribute}.value", max_length=254)
        items.append(kept)
    if sum(1 for item in items if item.get("primary")) > 1:
        raise invalid_value(f"At most one of '{attribute}' may be primary.")
    return items


def _primary(items: list[dict[str, Any]]) -> str:
    """The primary item's value, else the first ``work`` one, else the first one."""
    for test in (lambda i: i.get("primary"), lambda i: str(i.get("type", "")).lower() == "work", lambda i: True):
        for item in items:
            if test(item) and item.get("value"):
                return str(item["value"])
    return ""


@dataclass
class UserFields:
    """What a request says of a person, checked; ``manager_id`` is a SCIM id still to resolve."""

    user_name: str
    external_id: str = ""
    given_name: str = ""
    family_name: str = ""
    display_name: str = ""
    name: dict[str, str] = field(default_factory=dict)
    title: str = ""
    preferred_language: str = ""
    active: bool = True
    emails: list[dict[str, Any]] = field(default_factory=list)
    phone_numbers: list[dict[str, Any]] = field(default_factory=list)
    employee_number: str = ""
    department: str = ""
    manager_id: str = ""

    @property
    def email(self) -> str:
        return _primary(self.emails) or (self.user_name if "@" in self.user_name else "")

    @property
    def phone(self) -> str:
        return _primary(self.phone_numbers)[:40]

    @property
    def language(self) -> str:
        """Essaim's language from ``preferredLanguage`` (``fr-FR``, ``fr``, ``en-US``…), else none."""
        code = self.preferred_language.split(",")[0].split(";")[0].strip().lower()[:2]
        return code if code in {"fr", "en"} else ""

    def names(self) -> tuple[str, str]:
        """First and last name for Essaim, which needs both: from ``name``, else ``displayName``, else
        ``userName``'s local part (``jean.dupont@…`` → Jean, Dupont)."""
        if self.given_name or self.family_name:
            return self.given_name or self.family_name, self.family_name or self.given_name
        words = (self.display_name or self.user_name.split("@")[0].replace(".", " ").replace("_", " ")).split()
        first = (words[0] if words else self.user_name)[:150]
        return first, (" ".join(words[1:]) or first)[:150]


def user_fields(payload: Any) -> UserFields:
    if not isinstance(payload, dict):
        raise invalid_value("The request body must be a JSON object.")
    payload = canonical(payload)
    user_name = _text(payload.get("userName"), "userName", max_length=255)
    if not user_name:
        raise invalid_value("'userName' is required.")
    name = payload.get("name") or {}
    if not isinstance(name, dict):
        raise invalid_value("'name' must be an object.")
    extension = payload.get(ENTERPRISE) or {}
    if not isinstance(extension, dict):
        raise invalid_value(f"'{ENTERPRISE}' must be an object.")
    manager = extension.get("manager")
    manager_id = manager.get("value") if isinstance(manager, dict) else manager
    return UserFields(
        user_name=user_name,
        external_id=_text(payload.get("externalId"), "externalId", max_length=255),
        given_name=_text(name.get("givenName"), "name.givenName", max_length=150),
        family_name=_text(name.get("familyName"), "name.familyName", max_length=150),
        name={key: str(name[key]).strip() for key in ("givenName", "familyName") if name.get(key) not in (None, "")},
        display_name=_text(payload.get("displayName"), "displayName", max_length=300),
        title=_text(payload.get("title"), "title", max_length=120),
        preferred_language=_text(payload.get("preferredLanguage"), "preferredLanguage", max_length=40),
        active=boolean(payload["active"], "active") if payload.get("active") is not None else True,
        emails=_multi(payload.get("emails"), "emails"),
        phone_numbers=_multi(payload.get("phoneNumbers"), "phoneNumbers"),
        employee_number=_text(extension.get("employeeNumber"), "employeeNumber", max_length=100),
        department=_text(extension.get("department"), "department", max_length=120),
        manager_id=_text(manager_id, "manager.value", max_length=40),
    )


@dataclass
class GroupFields:
    display_name: str
    external_id: str = ""
    member_ids: list[str] = field(default_factory=list)


def group_fields(payload: Any) -> GroupFields:
    if not isinstance(payload, dict):
        raise invalid_value("The request body must be a JSON object.")
    payload = canonical(payload)
    display_name = _text(payload.get("displayName"), "displayName", max_length=120)
    if not display_name:
        raise invalid_value("'displayName' is required.")
    members = payload.get("members") or []
    if not isinstance(members, list) or not all(isinstance(m, dict) and m.get("value") for m in members):
        raise invalid_value("'members' must be a list of objects with a 'value'.")
    return GroupFields(
        display_name=display_name,
        external_id=_text(payload.get("externalId"), "externalId", max_length=255),
        member_ids=[str(m["value"]) for m in members],
    )


# --- Answers


def version(resource: dict[str, Any]) -> str:
    """A weak ETag of everything the resource says but its ``meta``: it changes whenever the resource does,
    whoever changed it (the directory or someone in Essaim)."""
    content = {key: value for key, value in resource.items() if key != "meta"}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()[:20]
    return f'W/"{digest}"'


def _stamp(resource: dict[str, Any], *, kind: str, location: str, created: Any, modified: Any) -> dict[str, Any]:
    resource["meta"] = {
        "resourceType": kind,
        "created": created.isoformat(),
        "lastModified": modified.isoformat(),
        "location": location,
    }
    resource["meta"]["version"] = version(resource)
    return resource


def user_resource(user: User, *, base: str) -> dict[str, Any]:  # noqa: PLR0912 - one branch per optional attribute
    """``user`` as SCIM says it; ``base`` is ``…/scim/v2``. Expects ``profile``, its ``department`` and
    ``scim_identity`` loaded (``selectors.users``)."""
    identity: ScimIdentity | None = getattr(user, "scim_identity", None)
    try:
        profile = user.profile
    except Profile.DoesNotExist:  # an account made without its profile (the raw data admin): an empty one
        profile = Profile(user=user)
    placeholder = user.email.endswith("@" + PLACEHOLDER_DOMAIN)
    resource: dict[str, Any] = {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "id": str(user.pk),
        "userName": identity.user_name if identity else user.email,
        "active": user.is_active,
    }
    if identity is not None:
        if identity.external_id:
            resource["externalId"] = identity.external_id
        name = identity_name(identity, user)
        emails = [dict(item) for item in identity.emails]
        phones = [dict(item) for item in identity.phone_numbers]
        display_name = identity.display_name
        language, employee_number = identity.preferred_language, identity.employee_number
    else:
        name = {"givenName": user.first_name, "familyName": user.last_name}
        emails, phones, display_name = [], [], user.get_full_name()
        language, employee_number = user.language, ""
    if not placeholder:  # the address Essaim signs in with is the primary one, whoever changed it
        _overlay(emails, user.email)
    if profile.phone:
        _overlay(phones, profile.phone)
    optional: tuple[tuple[str, Any], ...] = (
        ("name", name),
        ("displayName", display_name),
        ("title", profile.job_title),
        ("preferredLanguage", language),
        ("emails", emails),
        ("phoneNumbers", phones),
    )
    for key, value in optional:
        if value:
            resource[key] = value
    extension: dict[str, Any] = {}
    if employee_number:
        extension["employeeNumber"] = employee_number
    if profile.department_id:
        extension["department"] = profile.department.name if profile.department else ""
    if profile.manager_id:
        extension["manager"] = {"value": str(profile.manager_id), "$ref": f"{base}/Users/{profile.manager_id}"}
    if extension:
        resource[ENTERPRISE] = extension
    if profile.department_id:
        resource["groups"] = [
            {"value": str(profile.department_id), "$ref": f"{base}/Groups/{profile.department_id}", "type": "direct"}
        ]
    modified = max(filter(None, (identity.updated_at if identity else None, profile.updated_at, user.date_joined)))
    return _stamp(
        resource, kind="User", location=f"{base}/Users/{user.pk}", created=user.date_joined, modified=modified
    )


def identity_name(identity: ScimIdentity, user: User) -> dict[str, str]:
    """The ``name`` the directory sent, unless the person was renamed in Essaim since."""
    sent = {key: str(value) for key, value in (identity.name or {}).items()}
    fields = UserFields(
        user_name=identity.user_name,
        given_name=sent.get("givenName", ""),
        family_name=sent.get("familyName", ""),
        display_name=identity.display_name,
    )
    if fields.names() == (user.first_name, user.last_name):
        return sent
    return {"givenName": user.first_name, "familyName": user.last_name}


def _overlay(items: list[dict[str, Any]], value: str) -> None:
    """Make ``value`` the primary item's value (the first item's when none is primary; a new item when empty)."""
    if not items:
        items.append({"value": value, "type": "work", "primary": True})
        return
    target = next((item for item in items if item.get("primary")), items[0])
    if str(target.get("value", "")).lower() != value.lower():
        target["value"] = value


def group_resource(department: Department, *, base: str, member_ids: list[int]) -> dict[str, Any]:
    group: ScimGroup | None = getattr(department, "scim_group", None)
    resource: dict[str, Any] = {"schemas": [GROUP_SCHEMA], "id": str(department.pk), "displayName": department.name}
    if group is not None and group.external_id:
        resource["externalId"] = group.external_id
    if member_ids:
        resource["members"] = [{"value": str(pk), "$ref": f"{base}/Users/{pk}"} for pk in member_ids]
    known = EPOCH  # a department made in Essaim has no dates
    return _stamp(
        resource,
        kind="Group",
        location=f"{base}/Groups/{department.pk}",
        created=group.created_at if group else known,
        modified=group.updated_at if group else known,
    )


EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
