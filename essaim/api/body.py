"""Request bodies as Mastodon clients send them: JSON, or form-encoded / multipart, with any method.

Mastodon accepts both (``media_ids[]=1&media_ids[]=2`` in forms); ninja declares one body
type per operation, so endpoints that take a body parse it here and document it with
:func:`body_openapi`, both with the same types: what the document says is what is accepted. Invalid
input raises ninja's ``ValidationError`` (answered 422); text that cannot be stored (a NUL character,
an unpaired surrogate) ``BadRequest`` (400).
"""

from __future__ import annotations

import json
import re
from io import BytesIO
from typing import Any, get_args, get_origin

from django.core.exceptions import BadRequest
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from ninja.errors import ValidationError
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError


class Body(BaseModel):
    """A request body :func:`parse_body` reads: plain pydantic (ninja's ``Schema`` reads its input as attributes,
    which loses JSON's strict types), documented by :func:`body_openapi`."""


def _is_json(request: HttpRequest) -> bool:
    return (request.content_type or "").lower() == "application/json"


def _json(request: HttpRequest) -> dict[str, Any]:
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValidationError([{"loc": ("body",), "msg": "Invalid JSON", "type": "json_invalid"}]) from None
    if not isinstance(data, dict):
        raise ValidationError([{"loc": ("body",), "msg": "Expected a JSON object", "type": "dict_type"}])
    return data


def _form(request: HttpRequest) -> QueryDict:
    """The form fields; Django reads them for POST only, so a PUT's or a PATCH's are read the same way here."""
    if request.method == "POST":
        return request.POST
    content_type = (request.content_type or "").lower()
    if content_type == "application/x-www-form-urlencoded":
        return QueryDict(request.body, encoding=request.encoding)
    if content_type == "multipart/form-data":
        fields, _files = request.parse_file_upload(request.META, BytesIO(request.body))
        return fields
    return QueryDict()


FORM_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}  # Mastodon.py sends 1 and 0
FORM_INTEGER = re.compile(r"-?[0-9]{1,19}")


def _form_fields(request: HttpRequest, schema: type[Body]) -> dict[str, Any]:
    """The form as the JSON object it stands for: a list field from Mastodon's ``name[]=…&name[]=…`` or a repeated
    ``name``, a boolean from ``true`` or ``false`` (or ``1`` and ``0``, as Mastodon.py and Rails spell them), an
    integer from its digits; any other value stays text, which such a field then refuses (as it refuses a field sent
    twice)."""
    form = _form(request)
    fields: dict[str, Any] = {}
    for key in form:
        nested = NESTED_KEY.fullmatch(key)
        if nested is None:
            _form_field(fields, schema, key, form.getlist(key))
            continue
        # ``poll[options][]=…``: a field of the object ``poll`` (Mastodon's nested form fields)
        outer, inner = nested.group(1), nested.group(2)
        inner_schema = _object_schema(schema, outer)
        if inner_schema is None:
            fields[key] = form.getlist(key)  # refused by the schema as an unknown field, or ignored
            continue
        target = fields.setdefault(outer, {})
        if isinstance(target, dict):
            _form_field(target, inner_schema, inner + (nested.group(3) or ""), form.getlist(key))
    return fields


NESTED_KEY = re.compile(r"([a-z_]+)\[([a-z_]+)\](\[\])?")


def _object_schema(schema: type[BaseModel], name: str) -> type[BaseModel] | None:
    """The model of ``schema``'s field ``name`` when it is an object (``poll: PollCreate | None``), else None."""
    if name not in schema.model_fields:
        return None
    annotation = schema.model_fields[name].annotation
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _form_field(fields: dict[str, Any], schema: type[BaseModel], key: str, values: list[str]) -> None:
    name = key.removesuffix("[]")
    annotation = schema.model_fields[name].annotation if name in schema.model_fields else None
    types = (annotation, *get_args(annotation))
    if key.endswith("[]") or get_origin(annotation) is list or len(values) > 1:
        numbers = get_origin(annotation) is list and int in get_args(annotation)  # ``choices[]=0``
        fields[name] = [int(v) if numbers and FORM_INTEGER.fullmatch(v) else v for v in values]
    elif bool in types:
        fields[name] = FORM_BOOLEANS.get(values[0], values[0])
    elif int in types and FORM_INTEGER.fullmatch(values[0]):
        fields[name] = int(values[0])
    else:
        fields[name] = values[0]


def is_storable(text: str) -> bool:
    """Whether ``text`` can be stored: no NUL character (PostgreSQL refuses them), no unpaired surrogate
    (valid in JSON's ``\\ud800`` escapes, but not text: UTF-8 cannot encode it)."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def require_storable(value: Any) -> None:
    """Refuse (400) a body whose text, at any depth, :func:`is_storable` refuses."""
    if isinstance(value, str):
        if not is_storable(value):
            raise BadRequest(_("Text may not contain NUL characters or unpaired surrogates."))
    elif isinstance(value, dict):
        for item in value.values():
            require_storable(item)
    elif isinstance(value, list):
        for item in value:
            require_storable(item)


def parse_body[B: Body](request: HttpRequest, schema: type[B]) -> B:
    """The body as ``schema``, read strictly: a value must have the documented type (``0`` is no boolean, a field
    sent twice is no text), in JSON as in a form."""
    try:
        if _is_json(request):
            require_storable(_json(request))
            return schema.model_validate_json(request.body or b"{}", strict=True)
        fields = _form_fields(request, schema)
        require_storable(fields)
        return schema.model_validate_json(json.dumps(fields), strict=True)
    except PydanticValidationError as exc:
        errors = [{**err, "loc": ("body", *err.get("loc", ()))} for err in exc.errors(include_url=False)]
        for err in errors:
            err.pop("input", None)
            err.pop("ctx", None)
        raise ValidationError(errors) from None


def body_openapi(schema: type[Body]) -> dict[str, Any]:
    """``openapi_extra`` documenting ``schema`` as a JSON or form body, which may be left out (read as ``{}``)
    when the schema asks for no field."""
    body_schema = schema.model_json_schema()
    body_schema = _inlined(body_schema, body_schema.pop("$defs", {}))
    form_schema = _as_form(body_schema)
    content = {
        "application/json": {"schema": body_schema},
        "application/x-www-form-urlencoded": {"schema": form_schema},
        "multipart/form-data": {"schema": form_schema},
    }
    required = bool(body_schema.get("required") or body_schema.get("anyOf"))
    return {"requestBody": {"required": required, "content": content}}


def _inlined(value: Any, definitions: dict[str, Any]) -> Any:
    """``value`` with each ``$ref`` to one of ``definitions`` replaced by the definition: a nested object of the body
    (``poll``) is documented in place, since the document's components do not hold it."""
    if isinstance(value, list):
        return [_inlined(item, definitions) for item in value]
    if not isinstance(value, dict):
        return value
    reference = value.get("$ref", "")
    if reference.startswith("#/$defs/"):
        rest = {key: item for key, item in value.items() if key != "$ref"}
        return _inlined(definitions[reference.removeprefix("#/$defs/")], definitions) | rest
    return {key: _inlined(item, definitions) for key, item in value.items()}


def _as_form(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` for a form, whose fields are text or absent: none can be ``null``, a list sent as one field is a
    list of one (``account_ids=2`` is ``account_ids[]=2``: :func:`_form_field`), and a boolean may be ``1`` or
    ``0``."""
    properties = schema.get("properties", {})
    return {
        **schema,
        "properties": {name: _form_boolean(_one_or_many(_not_null(field))) for name, field in properties.items()},
    }


def _form_boolean(field: dict[str, Any]) -> dict[str, Any]:
    """A boolean field of a form: ``true``/``false``, or ``1``/``0`` as Mastodon.py and Rails spell them
    (``FORM_BOOLEANS``)."""
    if field.get("type") != "boolean":
        return field
    labels: dict[str, Any] = {key: field[key] for key in ("title", "description", "default") if key in field}
    return {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": list(FORM_BOOLEANS)}], **labels}


def _one_or_many(field: dict[str, Any]) -> dict[str, Any]:
    if field.get("type") != "array" or not isinstance(field.get("items"), dict) or field.get("minItems", 0) > 1:
        return field
    labels: dict[str, Any] = {key: field[key] for key in ("title", "description") if key in field}
    return {"anyOf": [field, field["items"]], **labels}


def _not_null(field: dict[str, Any]) -> dict[str, Any]:
    alternatives = [a for a in field.get("anyOf", []) if a != {"type": "null"}]
    if len(alternatives) != 1:
        return field
    text = {key: value for key, value in field.items() if key != "anyOf"} | alternatives[0]
    if text.get("default", "") is None:
        del text["default"]
    if "enum" in text:
        text["enum"] = [value for value in text["enum"] if value is not None]
    return text


def require_single(request: HttpRequest, *names: str) -> None:
    """Refuse (422) a multipart field sent more than once, for an operation ninja reads (``File``, ``Form``)."""
    repeated = [name for name in names if len(request.POST.getlist(name)) + len(request.FILES.getlist(name)) > 1]
    if repeated:
        raise ValidationError(
            [{"loc": ("body", name), "msg": "Send this field once", "type": "repeated"} for name in repeated]
        )
