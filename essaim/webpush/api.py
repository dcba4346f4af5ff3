"""Mastodon's Web Push subscription (``/api/v1/push/subscription``): one per app's access token, ``push`` scope.

``POST`` subscribes (replacing the token's subscription), ``GET`` reads it, ``PUT`` changes its alerts and policy,
``DELETE`` ends it. Bodies are JSON or Mastodon's form fields (``subscription[keys][p256dh]=…``,
``data[alerts][mention]=true``, ``data[policy]=followed``). A personal token or the browser's session has no
subscription of its own: only an app's OAuth token subscribes (403 otherwise).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import ValidationError
from oauth2_provider.models import AccessToken
from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticValidationError

from essaim.api.auth import current_user
from essaim.api.body import _form as read_form
from essaim.api.body import require_storable
from essaim.api.errors import ApiError, errors
from essaim.webpush import alerts, keys, selectors, services
from essaim.webpush.models import PushSubscription

router = Router(tags=["push"])
POLICIES = list(PushSubscription.Policy.values)
FORM_KEY = re.compile(r"([a-z_]+)((?:\[[a-z0-9_.]+\])*)")
FORM_TRUE = {"true", "1", "on", "yes"}
FORM_FALSE = {"false", "0", "off", "no", ""}


class KeysIn(BaseModel):
    p256dh: str = Field(description="The browser's or phone's P-256 public key (base64url).")
    auth: str = Field(description="The authentication secret (16 bytes, base64url).")


class SubscriptionIn(BaseModel):
    endpoint: str = Field(description="The push service's address for this app.")
    keys: KeysIn
    standard: bool | None = Field(None, description="Accepted; Essaim always sends standard (RFC 8291) pushes.")


class DataIn(BaseModel):
    alerts: dict[str, bool] = Field(default_factory=dict, description="Which types to push (true) or not.")
    policy: str | None = Field(None, description="From whom: all, followed, follower or none.")


class CreateIn(BaseModel):
    subscription: SubscriptionIn
    data: DataIn | None = None
    policy: str | None = None


class UpdateIn(BaseModel):
    data: DataIn | None = None
    policy: str | None = None


class WebPushSubscription(Schema):
    id: str
    endpoint: str
    standard: bool = Field(description="Always true: pushes are encrypted as RFC 8291 says (aes128gcm).")
    alerts: dict[str, bool] = Field(description="Mastodon's types and Essaim's own (essaim.…).")
    policy: str = Field(description="all, followed, follower or none.")
    server_key: str = Field(description="The network's VAPID public key.")


def _nested_form(request: HttpRequest) -> dict[str, Any]:
    """Mastodon's form fields as the JSON object they stand for: ``data[alerts][mention]=true`` is
    ``{"data": {"alerts": {"mention": true}}}``; an alert's text is read as a boolean."""
    form = read_form(request)  # the form of any method (PUT's too)
    nested: dict[str, Any] = {}
    for key in form:
        match = FORM_KEY.fullmatch(key)
        if match is None:
            continue
        path = [match.group(1), *re.findall(r"\[([a-z0-9_.]+)\]", match.group(2))]
        value: Any = form.get(key, "")
        if len(path) == 3 and path[:2] == ["data", "alerts"]:
            lowered = str(value).lower()
            value = True if lowered in FORM_TRUE else False if lowered in FORM_FALSE else value
        target = nested
        for part in path[:-1]:
            child = target.setdefault(part, {})
            if not isinstance(child, dict):
                break
            target = child
        else:
            target[path[-1]] = value
    return nested


def _parse[M: BaseModel](request: HttpRequest, schema: type[M]) -> M:
    if (request.content_type or "").lower() == "application/json":
        try:
            raw = json.loads(request.body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ValidationError([{"loc": ("body",), "msg": "Invalid JSON", "type": "json_invalid"}]) from None
    else:
        raw = _nested_form(request)
    require_storable(raw)
    try:
        return schema.model_validate(raw)
    except PydanticValidationError as exc:
        found = [
            {"loc": ("body", *e.get("loc", ())), "msg": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False)
        ]
        raise ValidationError(found) from None


def _token(request: HttpRequest) -> AccessToken:
    token = getattr(request, "oauth_token", None)
    if not isinstance(token, AccessToken):
        raise ApiError(
            403,
            _("Push subscriptions belong to apps"),
            _("Sign in with an app (an OAuth token with the push scope): each app's token has its own subscription."),
        )
    return token


def _data(subscription: PushSubscription) -> dict[str, Any]:
    return {
        "id": str(subscription.pk),
        "endpoint": subscription.endpoint,
        "standard": True,
        "alerts": alerts.complete(subscription.alerts),
        "policy": subscription.policy,
        "server_key": keys.public_key(),
    }


def _policy(body: CreateIn | UpdateIn) -> str | None:
    return (body.data.policy if body.data is not None else None) or body.policy


def _form_fields(create: bool) -> dict[str, Any]:
    text = {"type": "string"}
    boolean = {"type": "string", "enum": ["true", "false", "1", "0"]}
    fields: dict[str, Any] = {f"data[alerts][{name}]": boolean for name in (*alerts.MASTODON, *alerts.essaim_types())}
    fields["data[policy]"] = {"type": "string", "enum": POLICIES}
    if create:
        fields |= {"subscription[endpoint]": text, "subscription[keys][p256dh]": text, "subscription[keys][auth]": text}
    schema: dict[str, Any] = {"type": "object", "properties": fields}
    if create:
        schema["required"] = ["subscription[endpoint]", "subscription[keys][p256dh]", "subscription[keys][auth]"]
    return schema


def _openapi(schema: type[BaseModel], *, create: bool) -> dict[str, Any]:
    json_schema = schema.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions = json_schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[1]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    form = _form_fields(create)
    content = {
        "application/json": {"schema": inline(json_schema)},
        "application/x-www-form-urlencoded": {"schema": form},
        "multipart/form-data": {"schema": form},
    }
    return {"requestBody": {"required": create, "content": content}}


@router.post(
    "/push/subscription",
    response={200: WebPushSubscription, **errors(403, 422)},
    url_name="push-subscription-create",
    openapi_extra=_openapi(CreateIn, create=True),
)
def subscription_create(request: HttpRequest) -> dict[str, Any]:
    """Subscribe this app to your notifications (its earlier subscription is replaced)."""
    token = _token(request)
    body = _parse(request, CreateIn)
    created = services.subscription_create(
        actor=current_user(request),
        access_token=token,
        endpoint=body.subscription.endpoint,
        p256dh=body.subscription.keys.p256dh,
        auth=body.subscription.keys.auth,
        alerts=body.data.alerts if body.data is not None else {},
        policy=_policy(body) or PushSubscription.Policy.ALL,
    )
    return _data(created)


@router.get("/push/subscription", response={200: WebPushSubscription, **errors(403, 404)}, url_name="push-subscription")
def subscription_get(request: HttpRequest) -> dict[str, Any]:
    """This app's subscription (404 when it has none)."""
    found = selectors.subscription_for(actor=current_user(request), access_token=_token(request))
    if found is None:
        raise Http404
    return _data(found)


@router.put(
    "/push/subscription",
    response={200: WebPushSubscription, **errors(403, 404, 422)},
    url_name="push-subscription-update",
    openapi_extra=_openapi(UpdateIn, create=False),
)
def subscription_update(request: HttpRequest) -> dict[str, Any]:
    """Change which types are pushed to this app (``data[alerts]``) and from whom (``data[policy]``)."""
    actor, token = current_user(request), _token(request)
    body = _parse(request, UpdateIn)
    found = selectors.subscription_for(actor=actor, access_token=token)
    if found is None:
        raise Http404
    updated = services.subscription_update(
        actor=actor,
        subscription=found,
        alerts=body.data.alerts if body.data is not None else {},
        policy=_policy(body),
    )
    return _data(updated)


@router.delete("/push/subscription", response={200: dict[str, Any], **errors(403)}, url_name="push-subscription-delete")
def subscription_delete(request: HttpRequest) -> dict[str, Any]:
    """Stop pushing to this app (answers ``{}``, subscribed or not)."""
    actor, token = current_user(request), _token(request)
    found = selectors.subscription_for(actor=actor, access_token=token)
    if found is not None:
        services.subscription_delete(actor=actor, subscription=found)
    return {}
