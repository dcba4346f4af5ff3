"""Mastodon's reading markers (``/api/v1/markers``): where a person stopped reading their home feed and
their notifications, so that one app picks up where another left off."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import Field
from pydantic import ValidationError as PydanticValidationError

from essaim.api.auth import current_user
from essaim.api.body import Body, body_openapi, parse_body
from essaim.api.errors import errors
from essaim.notifications import selectors, services
from essaim.notifications.models import Marker

router = Router(tags=["markers"])
TIMELINES = tuple(Marker.Timeline.values)
FORM_FIELD = re.compile(r"^(home|notifications)\[last_read_id\]$")
MARKER_ID = {"type": "string", "pattern": "^[0-9]{1,19}$", "description": "An id: digits."}


class MarkerEntity(Schema):
    last_read_id: str = Field(description="The id of the last post (home) or notification read.")
    version: int = Field(description="How many times this marker was saved.")
    updated_at: datetime


class MarkerIn(Body):
    last_read_id: str = Field(pattern=r"^[0-9]{1,19}$", description="An id: digits.")


class MarkersIn(Body):
    """JSON ``{"home": {"last_read_id": "…"}}`` or a form ``home[last_read_id]=…`` (Mastodon's two forms)."""

    home: MarkerIn | None = None
    notifications: MarkerIn | None = None


def _inlined(schema: type[Body]) -> dict[str, Any]:
    """``body_openapi`` with the nested models written in place (it leaves references to components that
    only top-level schemas get), and the form as Mastodon's clients send it: ``home[last_read_id]=…``."""
    definitions = schema.model_json_schema()["$defs"]

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[1]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    document: dict[str, Any] = inline(body_openapi(schema))
    form = {
        "type": "object",
        "properties": {f"{name}[last_read_id]": MARKER_ID for name in TIMELINES},
        "minProperties": 1,
    }
    for content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        document["requestBody"]["content"][content_type] = {"schema": form}
    json_schema = document["requestBody"]["content"]["application/json"]["schema"]
    json_schema["minProperties"] = 1
    for name, field in json_schema["properties"].items():  # an object when sent: null is no marker
        json_schema["properties"][name] = next(s for s in field["anyOf"] if s.get("type") != "null")
    document["requestBody"]["required"] = True
    return document


def _data(marker: Marker) -> dict[str, Any]:
    return {"last_read_id": str(marker.last_read_id), "version": marker.version, "updated_at": marker.updated_at}


def _body(request: HttpRequest) -> MarkersIn:
    """The markers sent, as JSON or as Mastodon's form fields (``notifications[last_read_id]=…``)."""
    if (request.content_type or "").lower() == "application/json":
        return parse_body(request, MarkersIn)
    nested: dict[str, Any] = {}
    for key, value in request.POST.items():
        if match := FORM_FIELD.match(key):
            nested[match.group(1)] = {"last_read_id": value}
    try:
        return MarkersIn.model_validate(nested, strict=True)
    except PydanticValidationError as exc:
        raise ValidationError(
            [{"loc": ("body", *e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors(include_url=False)]
        ) from None


class MarkerParams(Schema):
    timeline: list[Literal["home", "notifications"]] | None = Field(
        None, alias="timeline[]", description="The timelines whose markers you want (both when left out)."
    )


Markers = dict[str, MarkerEntity]  # by timeline: "home", "notifications"


@router.get("/markers", response={200: Markers, **errors(422)}, url_name="markers")
def marker_list(request: HttpRequest, params: Query[MarkerParams]) -> dict[str, Any]:
    """Your markers for the timelines asked (``timeline[]=home&timeline[]=notifications``; both when none is);
    a timeline never marked is left out."""
    found = selectors.markers_for(actor=current_user(request), timelines=params.timeline or TIMELINES)
    return {name: _data(marker) for name, marker in found.items()}


@router.post(
    "/markers", response={200: Markers, **errors(422)}, url_name="markers-save", openapi_extra=_inlined(MarkersIn)
)
def marker_save(request: HttpRequest) -> dict[str, Any]:
    """Save where you stopped reading your home feed, your notifications, or both; answers your markers."""
    body = _body(request)
    nulls = [name for name in body.model_fields_set if getattr(body, name) is None]
    if nulls:
        message = _("A marker is an object with its last_read_id.")
        raise ValidationError([{"loc": ("body", name), "msg": message, "type": "model_type"} for name in nulls])
    if body.home is None and body.notifications is None:
        message = _("Send home[last_read_id], notifications[last_read_id] or both.")
        raise ValidationError([{"loc": ("body",), "msg": message, "type": "missing"}])
    actor = current_user(request)
    saved = {}
    for name in TIMELINES:
        sent = getattr(body, name)
        if sent is not None:
            saved[name] = _data(services.marker_save(actor=actor, timeline=name, last_read_id=int(sent.last_read_id)))
    return saved
