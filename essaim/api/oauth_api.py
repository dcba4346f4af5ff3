"""Mastodon's apps resource: ``POST /api/v1/apps`` registers an app, ``GET /api/v1/apps/verify_credentials`` checks
its token. Anyone may register an app (it can do nothing until a person authorises it on ``/oauth/authorize``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import AuthenticationError
from pydantic import Field

from essaim.api import oauth
from essaim.api import scopes as scope_rules
from essaim.api.body import Body, body_openapi, parse_body
from essaim.api.errors import ApiError, errors

router = Router(tags=["apps"])


class AppCreate(Body):
    client_name: str = Field(..., min_length=1, max_length=255, description="The app's name, shown on consent.")
    redirect_uris: str | list[str] = Field(
        ...,
        description="Where to send the person back: urn:ietf:wg:oauth:2.0:oob (the code is shown to copy), an "
        "http(s) address or the app's own scheme; several separated by spaces or as a list.",
    )
    scopes: str = Field("read", max_length=1000, description="Space-separated scopes (read, write, follow, push…).")
    website: str | None = Field(None, max_length=500)


class Application(Body):
    id: str
    name: str
    website: str | None
    scopes: list[str]
    redirect_uri: str
    redirect_uris: list[str]
    vapid_key: str


class CredentialApplication(Application):
    client_id: str
    client_secret: str
    client_secret_expires_at: int


@router.post(
    "/apps",
    auth=None,
    response={200: CredentialApplication, **errors(422)},
    openapi_extra=body_openapi(AppCreate),
    url_name="apps-create",
)
def app_create(request: HttpRequest) -> dict[str, Any]:
    """Register an app (as Mastodon does, no sign-in needed): its ``client_id`` and ``client_secret`` are answered
    this once."""
    data = parse_body(request, AppCreate)
    try:
        uris = oauth.clean_redirect_uris(data.redirect_uris)
    except oauth.RedirectUriError as error:
        raise ApiError(422, str(error)) from None
    asked = scope_rules.parse(data.scopes)
    unknown = [scope for scope in asked if scope not in scope_rules.ALL_SCOPES]
    if unknown:
        raise ApiError(422, _("These scopes do not exist: %(scopes)s.") % {"scopes": " ".join(unknown)})
    application, secret = oauth.app_register(
        name=data.client_name.strip(), redirect_uris=uris, scopes=asked or ["read"], website=data.website or ""
    )
    return oauth.application_data(application, secret=secret)


@router.get("/apps/verify_credentials", auth=None, response={200: Application, **errors(401)}, url_name="apps-verify")
def app_verify(request: HttpRequest) -> dict[str, Any]:
    """The app whose token (a person's or its own, from client credentials) is sent as ``Authorization: Bearer``."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() != "bearer ":
        raise AuthenticationError
    token = oauth.access_token_for(header[7:].strip())
    if token is None or token.application is None:
        raise AuthenticationError
    return oauth.application_data(token.application)
