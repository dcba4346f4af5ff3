"""Three ways in: the session cookie (CSRF enforced on unsafe methods), a personal token, or an app's OAuth token.

``Authorization: Bearer <token>`` wins when present; a bad, revoked or unknown token is
refused with 401 even if a session cookie is also sent, so a script never silently acts
as whoever is signed in in the browser. A personal token (``essaim_…``) and the session may call every
operation; an app's token only those its scopes allow (``essaim.api.scopes``: 403 otherwise).
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from essaim.access import roles
from essaim.accounts import two_factor
from essaim.accounts.models import User
from essaim.api import scopes, selectors, services
from essaim.api.errors import ApiError, CsrfFailedError
from essaim.charters.middleware import must_accept, refusal_words


def activate_preferences(request: HttpRequest, user: Any) -> None:
    """What ``UserPreferencesMiddleware`` does for sessions, for token-authenticated requests."""
    if user.language:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
    try:
        timezone.activate(zoneinfo.ZoneInfo(user.timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()


API_PREFIX = "/api/"


def require_scope(request: HttpRequest, granted: list[str]) -> None:
    """Refuse (403) an app's token whose scopes do not cover the operation (``scopes.RULES``)."""
    needed = scopes.required_scope(request.method or "GET", request.path.removeprefix(API_PREFIX))
    if needed is None or not scopes.allows(granted, needed):
        raise ApiError(
            403,
            _("This action is outside the authorized scopes"),
            _("Authorise the app again with the scope %(scope)s.") % {"scope": needed or "?"},
        )


class PersonalTokenAuth(HttpBearer):
    """``Authorization: Bearer essaim_…`` (a personal token), or an app's OAuth token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        raw = token.strip()
        if not raw.startswith(services.TOKEN_PREFIX):
            return self.authenticate_app(request, raw)
        found = selectors.personal_token_authenticate(raw=raw)
        if found is None:
            raise AuthenticationError
        services.personal_token_touch(token=found)
        request.user = found.user
        request.personal_token = found  # type: ignore[attr-defined]  # read by the rate limiter
        activate_preferences(request, found.user)
        if must_accept(request, found.user):  # as the pages do (charters.middleware), in the owner's language
            raise ApiError(403, *refusal_words(request))
        if two_factor.must_enrol(None, found.user):  # the network requires a second factor it does not have yet
            raise ApiError(403, *two_factor.refusal_words(request))
        return found.user

    def authenticate_app(self, request: HttpRequest, raw: str) -> Any:
        from essaim.api import oauth

        found = oauth.access_token_for(raw)
        if found is None or found.user is None:  # an app's own token (client credentials) is nobody
            raise AuthenticationError
        require_scope(request, found.scope.split())
        oauth.access_token_touch(found)
        request.user = found.user
        request.oauth_token = found  # type: ignore[attr-defined]  # read by the rate limiter
        activate_preferences(request, found.user)
        if must_accept(request, found.user):
            raise ApiError(403, *refusal_words(request))
        if two_factor.must_enrol(None, found.user):
            raise ApiError(403, *two_factor.refusal_words(request))
        return found.user


class SessionAuth(APIKeyCookie):
    """Django's session, with CSRF checked on unsafe methods (GET/HEAD/OPTIONS pass)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if "authorization" in request.headers or not roles.is_signed_in(request.user):
            return None  # a token was sent (it alone decides), or nobody is signed in: 401
        if check_csrf(request) is not None:
            raise CsrfFailedError
        return request.user


token_auth = PersonalTokenAuth()
session_auth = SessionAuth()
AUTH = [token_auth, session_auth]


def current_user(request: HttpRequest) -> User:
    """The authenticated person (every API operation requires authentication)."""
    user = request.auth  # type: ignore[attr-defined]  # set by ninja after authentication
    if not isinstance(user, User):
        raise AuthenticationError
    return user
