"""Per-user language and time zone, applied after authentication; the signed-in user kept as is."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.functional import LazyObject, empty


class UserPreferencesMiddleware:
    """A signed-in person's chosen language wins over the browser's; their time zone is used.

    The user is loaded by then, so the request keeps the user itself rather than Django's lazy
    wrapper: templates, views and the permission rules read ``request.user`` a few hundred times a
    page, and through the wrapper each read cost a raised exception and two lookups.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            request.user = unwrapped(user)
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


def unwrapped[T](value: T) -> T:
    """The object behind a lazy wrapper that has been evaluated (``value`` itself otherwise)."""
    if isinstance(value, LazyObject) and value._wrapped is not empty:
        return value._wrapped
    return value
