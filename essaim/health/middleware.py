"""Every request counted and timed for ``/metrics``, by route name: never by path, so series stay few."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from essaim.health.metrics import LATENCY, REQUESTS

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestMetricsMiddleware:
    """Near the top of the chain, so the time includes the other middlewares and the requests they answer
    themselves (static files, public images)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        view, method = route_of(request), request.method if request.method in METHODS else "other"
        REQUESTS.labels(view, method, f"{response.status_code // 100}xx").inc()
        LATENCY.labels(view, method).observe(time.perf_counter() - started)
        return response


def route_of(request: HttpRequest) -> str:
    """The URL pattern's name (``spaces:space-detail``; a pattern without a name gives its view's dotted path),
    ``static`` or ``media`` for files answered before the URL map, else ``unmatched`` (a 404 of the URL map)."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return str(match.view_name)
    if request.path_info.startswith(settings.STATIC_URL):
        return "static"
    if request.path_info.startswith(settings.MEDIA_URL):
        return "media"
    return "unmatched"
