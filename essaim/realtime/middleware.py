"""When each request began, for the live pages: a page asks to be told what happened since then."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class RequestStartMiddleware:
    """``request.started_ms``: the request's start, in milliseconds since the epoch. A page's live stream
    replays the events stored since (``messages.rows_since_time``): a write that committed after the page
    read its data has its event stored after this moment, so the page misses none; one the page already
    shows is rarely sent again (only if stored while the page was being drawn)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.started_ms = time.time_ns() // 1_000_000  # type: ignore[attr-defined]
        return self.get_response(request)
