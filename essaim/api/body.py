"""Request bodies as Mastodon clients send them: JSON, or form-encoded / multipart.

Mastodon accepts both (``media_ids[]=1&media_ids[]=2`` in forms); ninja declares one body
type per operation, so endpoints that take a body parse it here and document it with
:func:`body_openapi`. Invalid input raises ninja's ``ValidationError`` (answered 422).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import ValidationError
from pydantic import ValidationError as PydanticValidationError


def _raw(request: HttpRequest) -> dict[str, Any]:
    content_type = (request.content_type or "").lower()
    if content_type == "application/json":
        if not request.body:
            return {}
        try:
            data = json.loads(request.body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ValidationError([{"loc": ("body",), "msg": "Invalid JSON", "type": "json_invalid"}]) from None
        if not isinstance(data, dict):
            raise ValidationError([{"loc": ("body",), "msg": "Expected a JSON object", "type": "dict_type"}])
        return data
    form = request.POST
    fields: dict[str, Any] = {}
    for key in form:
        if key.endswith("[]"):
            fields[key[:-2]] = form.getlist(key)
        else:
            fields[key] = form.get(key)
    return fields


def parse_body[S: Schema](request: HttpRequest, schema: type[S]) -> S:
    try:
        return schema.model_validate(_raw(request))
    except PydanticValidationError as exc:
        errors = [{**err, "loc": ("body", *err.get("loc", ()))} for err in exc.errors(include_url=False)]
        for err in errors:
            err.pop("input", None)
            err.pop("ctx", None)
        raise ValidationError(errors) from None


def body_openapi(schema: type[Schema]) -> dict[str, Any]:
    """``openapi_extra`` documenting ``schema`` as a JSON or form body."""
    body_schema = schema.model_json_schema(ref_template="#/components/schemas/{model}")
    body_schema.pop("$defs", None)
    content = {
        media_type: {"schema": body_schema}
        for media_type in ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")
    }
    return {"requestBody": {"required": True, "content": content}}
