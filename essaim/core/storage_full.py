"""A full disk answers a clear 503, not a generic 500: "the server's storage is full, nothing was saved".

When the data directory's disk fills, SQLite says "database or disk is full", PostgreSQL "could not
extend file", and files fail with ``ENOSPC``. This middleware turns those into a 503 page (or the
API's JSON error) in the reader's language, with ``Retry-After``, and logs an error for the
administrators; ``/readyz`` reports the free space meanwhile (docs/monitoring.md). Nothing was saved:
the request's transaction rolled back before the error reached here.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_S = 300
_FULL = ("database or disk is full", "no space left on device", "could not extend file", "disk quota exceeded")


def is_storage_full(error: BaseException) -> bool:
    if isinstance(error, OSError) and error.errno in {errno.ENOSPC, errno.EDQUOT}:
        return True
    return isinstance(error, DatabaseError) and any(sign in str(error).lower() for sign in _FULL)


class StorageFullMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_storage_full(exception):
            return None
        logger.error("Storage full: %s %s answered 503 (%s)", request.method, request.path, exception)
        title = _("Storage full")
        message = _("The server's storage is full: nothing was saved. Try again later; tell your administrator.")
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse({"error": title, "error_description": message}, status=503)
        else:
            response = render(
                request, "errors/error.html", {"status": 503, "title": title, "message": message}, status=503
            )
        response["Retry-After"] = str(RETRY_AFTER_S)
        return response
