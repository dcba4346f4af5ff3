"""Two ways in: the session cookie (CSRF enforced on unsafe methods) or a personal token.

``Authorization: Bearer <token>`` wins when present; a bad, revoked or unknown token is
refused with 401 even if a session cookie is also sent, so a script never silently acts
as whoever is signed in in the browser.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from essaim.access import roles
from essaim.accounts.models import User
from essaim.api import selectors, services
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


class PersonalTokenAuth(HttpBearer):
    """``Authorization: Bearer essaim_…``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = selectors.personal_token_authenticate(raw=token.strip())
        if found is None:
            raise AuthenticationError
        services.personal_token_touch(token=found)
        request.user = found.user
        request.personal_token = found  # type: ignore[attr-defined]  # read by the rate limiter
        activate_preferences(request, found.user)
        if must_accept(request, found.user):  # as the pages do (charters.middleware), in the owner's language
            raise ApiError(403, *refusal_words(request))
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
