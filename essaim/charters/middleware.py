"""Nobody uses the network before accepting its usage charter: every page sends them to it first.

For a signed-in person with a version to accept (``selectors.pending_for``), a page request is redirected to
``/charter/?next=<where they were going>``; an htmx request is told to go there (``HX-Redirect``); a live stream
(SSE) is answered "no content", which stops it; the API answers 403 in its JSON shape, in the person's language,
naming the page where to accept. Exempt: the charter's own pages, signing out, confirming an e-mail address,
choosing the language, static and media files, health checks.

Cheap: the requirement is cached (``selectors.requirement``), and once someone's acceptance is found, the
accepted version is kept in their session: a page then costs no query, with or without a charter.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import SESSION_KEY as SIGNED_IN
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from essaim.access import roles
from essaim.charters import selectors

SESSION_KEY = "charters.accepted"  # the id of the required version this session's person accepted
API_PREFIX = "/api/"
EXEMPT = (
    "/charter/",
    "/accounts/logout/",
    "/accounts/confirm-email/",
    "/accounts/language/",
    "/i18n/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/favicon.ico",
)


def _exempt(path: str) -> bool:
    return path.startswith(EXEMPT) or path.startswith(
        (settings.STATIC_URL or "/static/", settings.MEDIA_URL or "/media/")
    )


def api_refusal(request: HttpRequest) -> JsonResponse:
    """The API's answer to someone who has a charter to accept (the token authentication says it too)."""
    error, description = refusal_words(request)
    return JsonResponse({"error": error, "error_description": description}, status=403)


def refusal_words(request: HttpRequest) -> tuple[str, str]:
    url = request.build_absolute_uri(reverse("charters:accept"))
    return _("Accept the usage charter first"), _(
        "A version of the network's usage charter waits for your acceptance: read and accept it at %(url)s, "
        "then try again."
    ) % {"url": url}


def must_accept(request: HttpRequest, user: object) -> bool:
    """Whether ``user`` has a network charter version to accept; remembered in the session once accepted."""
    required = selectors.requirement()
    if required is None:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) == required.charter_id:
        return False
    if selectors.has_accepted(user=user, required=required):
        if session is not None and SIGNED_IN in session:  # the person's own session, not a token's visit
            session[SESSION_KEY] = required.charter_id
        return False
    return True


class CharterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not roles.is_signed_in(user) or _exempt(request.path) or not must_accept(request, user):
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            if "authorization" in request.headers:  # a token decides, not the browser's session
                return self.get_response(request)
            return api_refusal(request)
        if "text/event-stream" in request.headers.get("Accept", ""):
            return HttpResponse(status=204)  # a live stream stops; the page it served is sent to the charter
        target = reverse("charters:accept")
        going = request.get_full_path() if request.method == "GET" else ""
        if request.headers.get("HX-Request"):  # a fragment: back to the page that asked for it
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            going = f"{current.path}?{current.query}" if current.query else current.path
        if going and going != "/":
            target = f"{target}?{urlencode({'next': going})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
