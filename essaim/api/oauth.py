"""OAuth 2 the way Mastodon does it, on django-oauth-toolkit.

An app registers (``POST /api/v1/apps``: ``essaim.api.oauth_api``) and gets a confidential client; a person
authorises it on ``/oauth/authorize`` (signed in, then a consent page in their language); the app trades the code
for a token on ``/oauth/token`` (authorization code, with PKCE when sent; client credentials; refresh; never a
password) and gives it back on ``/oauth/revoke``. ``urn:ietf:wg:oauth:2.0:oob`` shows the code on a page to copy;
custom schemes (``myapp://callback``) are redirected to. Scopes: ``essaim.api.scopes``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.models import AccessToken, Application, RefreshToken
from oauth2_provider.oauth2_backends import OAuthLibCore
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import AuthorizationView, RevokeTokenView

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.api import scopes as scope_rules
from essaim.api.models import AppRegistration

OOB = "urn:ietf:wg:oauth:2.0:oob"
FORBIDDEN_SCHEMES = frozenset({"javascript", "data", "file", "vbscript", "blob", "about"})
LAST_USED_PRECISION = timedelta(minutes=5)
SCOPE_LABELS = {
    "read": gettext_noop("Read everything you can read: posts, people, spaces, notifications"),
    "write": gettext_noop("Post, edit, delete, react and change your settings as you"),
    "follow": gettext_noop("Follow and unfollow people and tags as you"),
    "push": gettext_noop("Send you push notifications"),
    "profile": gettext_noop("Know who you are (your name and handle)"),
}


class FormOrJsonOAuthLibCore(OAuthLibCore):
    """The token and revocation endpoints read a form body (RFC 6749), or a JSON one as some browser apps send."""

    def extract_body(self, request: HttpRequest) -> Any:
        if (request.content_type or "").lower() == "application/json":
            try:
                data = json.loads(request.body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                return []
            return (
                [(key, value if isinstance(value, str) else json.dumps(value)) for key, value in data.items()]
                if (isinstance(data, dict))
                else []
            )
        return super().extract_body(request)


def registration_of(application: Application) -> AppRegistration | None:
    try:
        return application.registration
    except AppRegistration.DoesNotExist:
        return None


class EssaimOAuth2Validator(OAuth2Validator):
    """Mastodon's rules: one app may use the code, client-credentials and refresh grants; never the password one;
    it asks only for scopes it registered (``read`` covering ``read:statuses``), ``read`` when it names none."""

    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if grant_type in {"authorization_code", "client_credentials", "refresh_token"}:
            return registration_of(request.client) is not None or super().validate_grant_type(
                client_id, grant_type, client, request, *args, **kwargs
            )
        return False

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if not set(scopes) <= set(scope_rules.ALL_SCOPES):
            return False
        registration = registration_of(client)
        return registration is None or scope_rules.covered(scopes, registration.scope_list)

    def get_default_scopes(self, client_id: str, request: Any, *args: Any, **kwargs: Any) -> list[str]:
        return ["read"]

    def validate_redirect_uri(self, client_id: str, redirect_uri: str, request: Any, *args: Any, **kwargs: Any) -> bool:
        if redirect_uri == OOB:
            return OOB in request.client.redirect_uris.split()
        return bool(super().validate_redirect_uri(client_id, redirect_uri, request, *args, **kwargs))


class RedirectUriError(ValueError):
    pass


def clean_redirect_uris(raw: str | list[str]) -> list[str]:
    """Mastodon's ``redirect_uris``: one or several (a list, or separated by spaces or new lines), each ``oob``, an
    http(s) address or an app's own scheme (``myapp://callback``); never ``javascript:`` and the like."""
    items = raw.split() if isinstance(raw, str) else [uri for item in raw for uri in item.split()]
    if not items:
        raise RedirectUriError(_("Give at least one redirect URI."))
    for uri in items:
        if uri == OOB:
            continue
        parts = urlsplit(uri)
        if not parts.scheme or parts.scheme.lower() in FORBIDDEN_SCHEMES or "#" in uri:
            raise RedirectUriError(_("“%(uri)s” cannot be a redirect URI.") % {"uri": uri[:200]})
        if parts.scheme.lower() in {"http", "https"} and not parts.netloc:
            raise RedirectUriError(_("“%(uri)s” cannot be a redirect URI.") % {"uri": uri[:200]})
    return list(dict.fromkeys(items))


@transaction.atomic
def app_register(*, name: str, redirect_uris: list[str], scopes: list[str], website: str) -> tuple[Application, str]:
    """A new app (anyone may register one: it can do nothing until a person authorises it); returns it with its
    client secret, stored hashed and shown this once."""
    from oauthlib.common import generate_client_id

    secret = generate_client_id(length=40)
    application = Application(
        name=name[:255],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        client_secret=secret,
        skip_authorization=False,
        algorithm="",
    )
    application.save()
    AppRegistration.objects.create(application=application, scopes=" ".join(scopes), website=website[:500])
    return application, secret


def vapid_public_key() -> str:
    from essaim.webpush.keys import public_key  # the instance's key (``essaim.webpush``), read where it is given

    return public_key()


def application_data(application: Application, *, secret: str | None = None) -> dict[str, Any]:
    """Mastodon's Application entity (``CredentialApplication`` when the secret is given)."""
    registration = registration_of(application)
    uris = application.redirect_uris.split()
    data: dict[str, Any] = {
        "id": str(application.pk),
        "name": application.name,
        "website": (registration.website or None) if registration else None,
        "scopes": registration.scope_list if registration else ["read"],
        "redirect_uri": "\n".join(uris),
        "redirect_uris": uris,
        "vapid_key": vapid_public_key(),
    }
    if secret is not None:
        data |= {"client_id": application.client_id, "client_secret": secret, "client_secret_expires_at": 0}
    return data


def access_token_for(raw: str) -> AccessToken | None:
    """The valid (unexpired, unrevoked) access token whose secret is ``raw``, with its app and person."""
    checksum = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    token = (
        AccessToken.objects.select_related("application", "user", "user__profile")
        .filter(token_checksum=checksum)
        .first()
    )
    if token is None or token.is_expired() or (token.user is not None and not token.user.is_active):
        return None
    return token


def access_token_touch(token: AccessToken) -> None:
    """Record a use (``updated``, the settings page's "last used"), at most every few minutes."""
    now = timezone.now()
    if now - token.updated >= LAST_USED_PRECISION:
        AccessToken.objects.filter(pk=token.pk).update(updated=now)
        token.updated = now


# -- The person's authorised apps (the settings page)


def authorised_apps_for(*, actor: Actor) -> list[dict[str, Any]]:
    """Each app holding a token of ``actor``: its name, the scopes granted, when it was authorised and last used."""
    tokens: QuerySet[AccessToken] = access.visible(actor, AccessToken.objects.all())
    rows = (
        tokens.values("application_id", "application__name")
        .annotate(last_used=Max("updated"), authorised=Max("created"))
        .order_by("-last_used")
    )
    scopes: dict[int, set[str]] = {}
    for application_id, scope in tokens.values_list("application_id", "scope"):
        scopes.setdefault(application_id, set()).update(scope.split())
    return [
        {
            "id": row["application_id"],
            "name": row["application__name"],
            "scopes": sorted(scopes.get(row["application_id"], set()), key=scope_rules.ALL_SCOPES.index),
            "last_used": row["last_used"],
            "authorised": row["authorised"],
        }
        for row in rows
        if row["application_id"] is not None
    ]


@transaction.atomic
def app_revoke_for(*, actor: Actor, application_id: int) -> int:
    """Take back every token ``actor`` gave the app (access and refresh); returns how many."""
    tokens = list(access.visible(actor, AccessToken.objects.filter(application_id=application_id)))
    for token in tokens:
        access.require(actor, Action.DELETE, token)
    RefreshToken.objects.filter(user_id=getattr(actor, "pk", None), application_id=application_id).delete()
    AccessToken.objects.filter(pk__in=[t.pk for t in tokens]).delete()
    return len(tokens)


def oauth_tokens_revoke_all(*, user: Any) -> int:
    """Every app's tokens of ``user`` (their deactivation, beside ``personal_tokens_revoke_all``)."""
    RefreshToken.objects.filter(user_id=user.pk).delete()
    return int(AccessToken.objects.filter(user_id=user.pk).delete()[0])


# -- The consent page


SCOPE_SUBJECTS = {
    "accounts": gettext_noop("profile and the people directory"),
    "blocks": gettext_noop("blocked people"),
    "bookmarks": gettext_noop("saved posts"),
    "conversations": gettext_noop("conversations"),
    "favourites": gettext_noop("favourites"),
    "filters": gettext_noop("filters"),
    "follows": gettext_noop("follows"),
    "lists": gettext_noop("spaces"),
    "media": gettext_noop("uploaded files"),
    "mutes": gettext_noop("muted people"),
    "notifications": gettext_noop("notifications"),
    "reports": gettext_noop("reports"),
    "search": gettext_noop("searches"),
    "statuses": gettext_noop("posts"),
}


def scope_label(scope: str) -> str:
    if scope in SCOPE_LABELS:
        return _(SCOPE_LABELS[scope])
    kind, _colon, what = scope.partition(":")
    subject = _(SCOPE_SUBJECTS.get(what, what))
    if kind == "read":
        return _("Read: %(subject)s") % {"subject": subject}
    return _("Change: %(subject)s") % {"subject": subject}


class ConsentView(AuthorizationView):
    """DOT's authorisation endpoint with Essaim's consent page, the out-of-band code page and app schemes."""

    template_name = "api/oauth_authorize.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().get(request, *args, **kwargs)
        redirect_uri = getattr(self, "oauth2_data", {}).get("redirect_uri", "")
        if redirect_uri and redirect_uri != OOB:  # the consent form's answer redirects there (CSP form-action)
            parts = urlsplit(redirect_uri)
            target = f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"{parts.scheme}:"
            response._csp_config = settings.SECURE_CSP | {"form-action": [CSP.SELF, target]}  # type: ignore[attr-defined]
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["scope_labels"] = [scope_label(scope) for scope in context.get("scopes", [])]
        return context

    def redirect(self, redirect_to: str, application: Application | None) -> HttpResponse:
        if redirect_to.startswith(OOB):
            query = parse_qs(urlsplit(redirect_to).query)
            context = {
                "code": query.get("code", [""])[0],
                "error": query.get("error", [""])[0],
                "application": application,
            }
            return render(self.request, "api/oauth_code.html", context)
        scheme = urlsplit(redirect_to).scheme.lower()
        if application is not None and scheme not in FORBIDDEN_SCHEMES:
            return OAuth2ResponseRedirect(redirect_to, [scheme])
        return super().redirect(redirect_to, application)


class RevokeView(RevokeTokenView):
    """RFC 7009's revocation, answering ``{}`` as Mastodon does (Mastodon.py reads the answer as JSON)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().post(request, *args, **kwargs)
        if response.status_code == 200 and not response.content:
            return JsonResponse({}, headers={key: value for key, value in response.items() if key != "Content-Type"})
        return response
