"""Two middlewares around the API: personal tokens open the read-only pages too (an API client downloads
the attachments it lists), and every error under ``/api/`` is JSON, even one answered before an operation runs.
An address carrying a NUL character, which PostgreSQL refuses to store or compare, is refused at this edge, pages
included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import SuspiciousOperation, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from essaim.api import ratelimit, selectors
from essaim.api.errors import json_error
from essaim.core.views import bad_request

BEARER = "bearer "
API_PREFIX = "/api/"
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


class BearerTokenMiddleware:
    """On GET/HEAD outside ``/api/`` (which authenticates by itself), ``Authorization: Bearer`` signs the
    request in as the token's owner, without a session. Unsafe methods never: pages keep their CSRF rules.
    A wrong token is ignored here: the page then answers as it does to anyone not signed in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if (
            request.method in {"GET", "HEAD"}
            and header[: len(BEARER)].lower() == BEARER
            and not request.path.startswith(API_PREFIX)
        ):
            raw = header[len(BEARER) :].strip()
            token = selectors.personal_token_authenticate(raw=raw)
            if token is not None:
                request.user = token.user
            elif app_token := app_reader(raw):
                request.user = app_token.user
        return self.get_response(request)


def app_reader(raw: str) -> Any:
    """An app's token that may read (scope ``read`` or ``read:statuses``), or ``None``."""
    from essaim.api import oauth, scopes

    token = oauth.access_token_for(raw)
    if token is None or token.user is None or not scopes.allows(token.scope.split(), "read:statuses"):
        return None
    return token


class ApiEdgeMiddleware:
    """What every request under ``/api/`` meets, before and after its operation.

    Before: a path or query carrying text that cannot be stored (a NUL character: PostgreSQL refuses them)
    answers 400, before anything looks it up. After: an error that does not come from an operation is
    answered in the API's JSON shape too: an unknown path (Django's 404 page otherwise), a method the path
    does not serve (ninja's plain-text 405, whose ``Allow`` header is kept), a failure in a middleware.
    Errors already in JSON (every operation's) pass unchanged.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.page(request)
        try:
            if _carries_nul(request):
                return json_error(400, _("Text may not contain NUL characters or unpaired surrogates."))
        except TooManyFieldsSent:
            return json_error(400)
        _without_trailing_slash(request)
        response = self.get_response(request)
        ratelimit.add_headers(request, response)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            replacement = json_error(response.status_code)
            for header in ("Allow", "Retry-After", *RATE_HEADERS):
                if response.has_header(header):
                    replacement[header] = response[header]
            return replacement
        return response

    def page(self, request: HttpRequest) -> HttpResponse:
        """Pages refuse a NUL character too (a search box's ``?q=``, a tag's path), with the 400 page."""
        try:
            refused = _carries_nul(request)
        except TooManyFieldsSent as error:
            return bad_request(request, error)
        if refused:
            return bad_request(request, SuspiciousOperation("NUL character in the address"))
        return self.get_response(request)


def _without_trailing_slash(request: HttpRequest) -> None:
    """``/api/v1/instance/`` as ``/api/v1/instance``: Mastodon answers both, and Mastodon.py asks the former."""
    path = request.path_info
    if not path.endswith("/") or path == API_PREFIX:
        return
    try:
        resolve(path)
    except Resolver404:
        try:
            resolve(path.rstrip("/"))
        except Resolver404:
            return
        request.path_info = path.rstrip("/")
        request.path = request.path.rstrip("/")


def _carries_nul(request: HttpRequest) -> bool:
    """Whether the path or a query parameter (name or value) holds a NUL character (``%00``)."""
    query = request.GET.lists()
    return "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values) for key, values in query)
