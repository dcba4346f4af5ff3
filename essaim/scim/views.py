"""``/scim/v2/``: the SCIM 2.0 endpoints the company's directory calls (RFC 7644), with a bearer token.

Every answer is ``application/scim+json``; every refusal SCIM's error shape (``errors.ScimError``): 401
without a live token, 404 for what the token may not see exactly as for what does not exist, 400 with a
``scimType`` for a bad filter, path or value, 409 for a ``userName`` or group name already used, 412 when
``If-Match`` names a version that is no longer the resource's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from essaim.scim import discovery, filters, patch, selectors, services
from essaim.scim.actors import DirectoryActor
from essaim.scim.errors import ScimError, invalid_value, not_found
from essaim.scim.resources import (
    ENTERPRISE,
    LIST_SCHEMA,
    SEARCH_SCHEMA,
    group_fields,
    group_resource,
    user_fields,
    user_resource,
)

CONTENT_TYPE = "application/scim+json"
MAX_BODY = 1_000_000
View = Callable[..., HttpResponse]


def answer(body: dict[str, Any] | None, status: int = 200, *, etag: str = "", location: str = "") -> HttpResponse:
    response = HttpResponse(
        b"" if body is None else json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    if etag:
        response["ETag"] = etag
    if location:
        response["Location"] = location
    return response


def scim_endpoint(view: View) -> View:
    """Authenticate the directory's token, read the JSON body, answer every refusal in SCIM's shape."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        token = selectors.scim_token_authenticate(raw=raw.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            response = answer(ScimError(401, "A valid SCIM bearer token is required.").body(), 401)
            response["WWW-Authenticate"] = 'Bearer realm="scim"'
            return response
        services.scim_token_touch(token=token)
        try:
            return view(request, DirectoryActor(token=token), *args, **kwargs)
        except ScimError as error:
            return answer(error.body(), error.status)
        except Http404:
            return answer(not_found().body(), 404)
        except PermissionDenied:
            return answer(ScimError(403, "This token may not do this.").body(), 403)
        except ValidationError as error:  # a service's refusal (an org chart loop…), in SCIM's words
            return answer(invalid_value(" ".join(error.messages)).body(), 400)
        except IntegrityError:  # two requests writing the same userName or name at once: the later one
            return answer(ScimError(409, "This value is already used.", "uniqueness").body(), 409)

    return wrapped


def _body(request: HttpRequest) -> Any:
    if len(request.body) > MAX_BODY:
        raise ScimError(413, "The request body is too large.")
    try:
        return json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ScimError(400, "The request body is not valid JSON.", "invalidSyntax") from None


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("scim:root")).rstrip("/")


def _names(raw: str | list[str] | None) -> list[str]:
    if not raw:
        return []
    items = raw if isinstance(raw, list) else raw.split(",")
    return [item.strip() for item in items if isinstance(item, str) and item.strip()]


def _split_attribute(name: str) -> tuple[str | None, list[str]]:
    """``urn:…:enterprise:2.0:User:manager.value`` → (ENTERPRISE, ["manager", "value"]); ``name.givenName`` →
    (None, ["name", "givenName"]), matched case-insensitively by ``project``."""
    lowered = name.lower()
    if lowered.startswith(ENTERPRISE.lower()):
        rest = name[len(ENTERPRISE) + 1 :]
        return ENTERPRISE, [part for part in rest.split(".") if part]
    key = filters.attribute_key(name)
    return None, key.split(".")


def _find(mapping: dict[str, Any], name: str) -> str | None:
    return next((key for key in mapping if key.lower() == name.lower()), None)


def project(resource: dict[str, Any], attributes: list[str], excluded: list[str]) -> dict[str, Any]:  # noqa: PLR0912 - the cases of RFC 7644 §3.4.2.5
    """``attributes`` / ``excludedAttributes`` (RFC 7644 §3.4.2.5): ``id`` and ``schemas`` always stay."""
    if attributes:
        kept: dict[str, Any] = {"schemas": resource["schemas"], "id": resource["id"]}
        for name in attributes:
            extension, parts = _split_attribute(name)
            source = resource.get(ENTERPRISE, {}) if extension else resource
            target = kept.setdefault(ENTERPRISE, {}) if extension else kept
            if not parts:
                if extension and ENTERPRISE in resource:
                    kept[ENTERPRISE] = resource[ENTERPRISE]
                continue
            key = _find(source, parts[0])
            if key is None:
                continue
            if len(parts) == 1:
                target[key] = source[key]
            elif isinstance(source[key], dict) and (sub := _find(source[key], parts[1])):
                target.setdefault(key, {})[sub] = source[key][sub]
            elif isinstance(source[key], list):
                target[key] = [{s: item[s] for s in item if s.lower() == parts[1].lower()} for item in source[key]]
        if ENTERPRISE in kept and not kept[ENTERPRISE]:
            kept.pop(ENTERPRISE)
        return kept
    result = dict(resource)
    for name in excluded:
        extension, parts = _split_attribute(name)
        container = result.get(ENTERPRISE) if extension else result
        if not isinstance(container, dict) or not parts:
            continue
        if extension:
            container = result[ENTERPRISE] = dict(container)
        key = _find(container, parts[0])
        if key is None or key in {"id", "schemas"}:
            continue
        if len(parts) == 1:
            container.pop(key)
        elif isinstance(container[key], dict):
            container[key] = {k: v for k, v in container[key].items() if k.lower() != parts[1].lower()}
    return result


def _integer(request_params: dict[str, Any], name: str, default: int) -> int:
    raw = request_params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise invalid_value(f"'{name}' must be an integer.") from None


def _check_version(request: HttpRequest, current: str) -> None:
    wanted = request.headers.get("If-Match")
    if wanted and wanted.strip() != "*" and current not in {tag.strip() for tag in wanted.split(",")}:
        raise ScimError(412, "The resource changed since that version (If-Match): read it again.")


# --- Discovery


@scim_endpoint
def service_provider_config(request: HttpRequest, actor: DirectoryActor) -> HttpResponse:
    _read_only(request)
    config = discovery.service_provider_config(documentation="https://essaim.example/docs/identity#scim")
    config["meta"]["location"] = _base(request) + config["meta"]["location"]
    return answer(config)


def _listing(request: HttpRequest, items: list[dict[str, Any]]) -> HttpResponse:
    base = _base(request)
    for item in items:
        item["meta"]["location"] = base + item["meta"]["location"]
    return answer(
        {
            "schemas": [LIST_SCHEMA],
            "totalResults": len(items),
            "startIndex": 1,
            "itemsPerPage": len(items),
            "Resources": items,
        }
    )


def _read_only(request: HttpRequest) -> None:
    if request.method != "GET":
        raise ScimError(405, "Only GET is supported here.")


@scim_endpoint
def schemas(request: HttpRequest, actor: DirectoryActor, schema_id: str = "") -> HttpResponse:
    _read_only(request)
    found = {key: json.loads(json.dumps(value)) for key, value in discovery.schemas().items()}
    if not schema_id:
        return _listing(request, list(found.values()))
    if schema_id not in found:
        raise not_found(f"No schema {schema_id!r}.")
    schema = found[schema_id]
    schema["meta"]["location"] = _base(request) + schema["meta"]["location"]
    return answer(schema)


@scim_endpoint
def resource_types(request: HttpRequest, actor: DirectoryActor, type_id: str = "") -> HttpResponse:
    _read_only(request)
    found = discovery.resource_types()
    if not type_id:
        return _listing(request, list(found.values()))
    if type_id not in found:
        raise not_found(f"No resource type {type_id!r}.")
    resource = found[type_id]
    resource["meta"]["location"] = _base(request) + resource["meta"]["location"]
    return answer(resource)


@csrf_exempt
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under ``/scim/v2/``: SCIM's 404 (after the token check, so it tells nobody anything)."""
    return scim_endpoint(lambda request, actor: answer(not_found("No such endpoint.").body(), 404))(request)


# --- Lists and searches


def _search_params(request: HttpRequest) -> dict[str, Any]:
    if request.method == "POST":  # /.search
        body = _body(request)
        if not isinstance(body, dict) or SEARCH_SCHEMA not in (body.get("schemas") or []):
            raise ScimError(400, f"A search's 'schemas' must be ['{SEARCH_SCHEMA}'].", "invalidSyntax")
        return body
    return dict(request.GET.items())


def _page(
    request: HttpRequest,
    queryset: Any,
    render: Callable[[list[Any]], list[dict[str, Any]]],
) -> HttpResponse:
    params = _search_params(request)
    start = max(_integer(params, "startIndex", 1), 1)
    count = min(max(_integer(params, "count", discovery.MAX_RESULTS), 0), discovery.MAX_RESULTS)
    total = queryset.count()
    rows = list(queryset[start - 1 : start - 1 + count]) if count else []
    attributes = _names(params.get("attributes"))
    excluded = _names(params.get("excludedAttributes"))
    resources = [project(resource, attributes, excluded) for resource in render(rows)]
    return answer(
        {
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(resources),
            "Resources": resources,
        }
    )


def _filter(request: HttpRequest, parse: Callable[[str], Q]) -> Q | None:
    params = _search_params(request)
    text = params.get("filter")
    if text in (None, ""):
        return None
    if not isinstance(text, str):
        raise ScimError(400, "'filter' must be a string.", "invalidFilter")
    return parse(text)


@scim_endpoint
def search(request: HttpRequest, actor: DirectoryActor) -> HttpResponse:
    """``POST /.search`` at the root: people, then departments, that the filter matches (a filter naming an
    attribute one of them lacks searches the other only)."""
    if request.method != "POST":
        raise ScimError(405, "Use POST to search.")
    base = _base(request)
    conditions: list[tuple[Any, Callable[[list[Any]], list[dict[str, Any]]]]] = []
    errors: list[ScimError] = []
    for parse, rows_of, render in (
        (filters.user_filter, selectors.users, lambda rows: [user_resource(u, base=base) for u in rows]),
        (filters.group_filter, selectors.groups, lambda rows: _render_groups(actor, rows, base)),
    ):
        try:
            conditions.append((rows_of(actor=actor, condition=_filter(request, parse)), render))
        except ScimError as error:
            errors.append(error)
    if not conditions:
        raise errors[0]
    return _page_of_many(request, conditions)


def _page_of_many(
    request: HttpRequest, parts: list[tuple[Any, Callable[[list[Any]], list[dict[str, Any]]]]]
) -> HttpResponse:
    params = _search_params(request)
    start = max(_integer(params, "startIndex", 1), 1)
    count = min(max(_integer(params, "count", discovery.MAX_RESULTS), 0), discovery.MAX_RESULTS)
    attributes, excluded = _names(params.get("attributes")), _names(params.get("excludedAttributes"))
    total, skip = 0, start - 1
    resources: list[dict[str, Any]] = []
    for queryset, render in parts:
        size = queryset.count()
        total += size
        wanted = count - len(resources)
        if wanted > 0 and skip < size:
            resources += [project(r, attributes, excluded) for r in render(list(queryset[skip : skip + wanted]))]
        skip = max(skip - size, 0)
    return answer(
        {
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(resources),
            "Resources": resources,
        }
    )


# --- Users


@scim_endpoint
def users(request: HttpRequest, actor: DirectoryActor) -> HttpResponse:
    base = _base(request)
    if request.method == "POST":
        user = services.user_provision(actor=actor, fields=user_fields(_body(request)))
        resource = user_resource(_reload_user(actor, user.pk), base=base)
        return answer(resource, 201, etag=resource["meta"]["version"], location=resource["meta"]["location"])
    if request.method != "GET":
        raise ScimError(405, "Use GET to list or POST to create.")
    queryset = selectors.users(actor=actor, condition=_filter(request, filters.user_filter))
    return _page(request, queryset, lambda rows: [user_resource(user, base=base) for user in rows])


@scim_endpoint
def users_search(request: HttpRequest, actor: DirectoryActor) -> HttpResponse:
    if request.method != "POST":
        raise ScimError(405, "Use POST to search.")
    base = _base(request)
    queryset = selectors.users(actor=actor, condition=_filter(request, filters.user_filter))
    return _page(request, queryset, lambda rows: [user_resource(user, base=base) for user in rows])


def _reload_user(actor: DirectoryActor, user_id: int) -> Any:
    user = selectors.user_get(actor=actor, user_id=str(user_id))
    if user is None:
        raise not_found()
    return user


@scim_endpoint
def user_detail(request: HttpRequest, actor: DirectoryActor, user_id: str) -> HttpResponse:
    base = _base(request)
    user = selectors.user_get(actor=actor, user_id=user_id)
    if user is None:
        raise not_found(f"No user {user_id!r}.")
    current = user_resource(user, base=base)
    version = current["meta"]["version"]
    if request.method == "GET":
        if request.headers.get("If-None-Match") == version:
            return answer(None, 304, etag=version)
        params = request.GET
        resource = project(current, _names(params.get("attributes")), _names(params.get("excludedAttributes")))
        return answer(resource, etag=version)
    _check_version(request, version)
    if request.method == "DELETE":
        services.user_retire(actor=actor, user=user)
        return answer(None, 204)
    if request.method == "PUT":
        fields = user_fields(_body(request))
    elif request.method == "PATCH":
        fields = user_fields(patch.apply(current, _body(request)))
    else:
        raise ScimError(405, "Use GET, PUT, PATCH or DELETE.")
    services.user_replace(actor=actor, user=user, fields=fields)
    resource = user_resource(_reload_user(actor, user.pk), base=base)
    return answer(resource, etag=resource["meta"]["version"])


# --- Groups


def _render_groups(actor: DirectoryActor, departments: list[Any], base: str) -> list[dict[str, Any]]:
    members = selectors.group_member_ids(actor=actor, departments=departments)
    return [group_resource(d, base=base, member_ids=members[d.pk]) for d in departments]


def _group(actor: DirectoryActor, group_id: str) -> Any:
    department = selectors.group_get(actor=actor, group_id=group_id)
    if department is None:
        raise not_found(f"No group {group_id!r}.")
    return department


@scim_endpoint
def groups(request: HttpRequest, actor: DirectoryActor) -> HttpResponse:
    base = _base(request)
    if request.method == "POST":
        department = services.group_provision(actor=actor, fields=group_fields(_body(request)))
        resource = _render_groups(actor, [_group(actor, str(department.pk))], base)[0]
        return answer(resource, 201, etag=resource["meta"]["version"], location=resource["meta"]["location"])
    if request.method != "GET":
        raise ScimError(405, "Use GET to list or POST to create.")
    queryset = selectors.groups(actor=actor, condition=_filter(request, filters.group_filter))
    return _page(request, queryset, lambda rows: _render_groups(actor, rows, base))


@scim_endpoint
def groups_search(request: HttpRequest, actor: DirectoryActor) -> HttpResponse:
    if request.method != "POST":
        raise ScimError(405, "Use POST to search.")
    base = _base(request)
    queryset = selectors.groups(actor=actor, condition=_filter(request, filters.group_filter))
    return _page(request, queryset, lambda rows: _render_groups(actor, rows, base))


@scim_endpoint
def group_detail(request: HttpRequest, actor: DirectoryActor, group_id: str) -> HttpResponse:
    base = _base(request)
    department = _group(actor, group_id)
    current = _render_groups(actor, [department], base)[0]
    version = current["meta"]["version"]
    if request.method == "GET":
        if request.headers.get("If-None-Match") == version:
            return answer(None, 304, etag=version)
        params = request.GET
        resource = project(current, _names(params.get("attributes")), _names(params.get("excludedAttributes")))
        return answer(resource, etag=version)
    _check_version(request, version)
    if request.method == "DELETE":
        services.group_delete(actor=actor, department=department)
        return answer(None, 204)
    if request.method == "PUT":
        fields = group_fields(_body(request))
    elif request.method == "PATCH":
        fields = group_fields(patch.apply(current, _body(request)))
    else:
        raise ScimError(405, "Use GET, PUT, PATCH or DELETE.")
    services.group_replace(actor=actor, department=department, fields=fields)
    resource = _render_groups(actor, [_group(actor, group_id)], base)[0]
    return answer(resource, etag=resource["meta"]["version"])
