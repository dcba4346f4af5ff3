"""The bare reference view, mounted under ``/bench/`` only when ``ESSAIM_BENCH=1``.

It goes through the whole middleware stack but does no domain work and no query, so its
figures are the floor every other operation is compared with.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("bare", bare, name="bench-bare")]
