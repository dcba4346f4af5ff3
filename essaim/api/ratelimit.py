"""A simple fixed-window rate limit per token, per signed-in person, or per IP, counted by every
process together (``core.counters``: Redis, or a SQLite file in the embedded default).

The limit is ``ESSAIM_RATE_LIMITS``' ``api`` (``core.ratelimits``: 300 requests per 5 minutes unless changed,
none with ``off``), or ``settings.API_RATE_LIMIT`` (``"<requests>/<seconds>"``) where a deployment or a test sets
it. Going over answers 429 with ``Retry-After``. Every answer carries Mastodon's ``X-RateLimit-Limit``,
``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (an ISO 8601 time), added by :func:`add_headers`.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja.throttling import BaseThrottle

from essaim.core import counters, ratelimits


def parse_rate(rate: str) -> tuple[int, int]:
    requests, _, seconds = rate.partition("/")
    return int(requests), int(seconds or "60")


class ApiRateLimit(BaseThrottle):
    def __init__(self) -> None:
        self._wait: float | None = None

    def identity(self, request: HttpRequest) -> str:
        token = getattr(request, "personal_token", None)
        if token is not None:
            return f"token:{token.pk}"
        app_token = getattr(request, "oauth_token", None)
        if app_token is not None:
            return f"oauth:{app_token.pk}"
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return f"ip:{self.get_ident(request)}"

    def allow_request(self, request: HttpRequest) -> bool:
        rate = _rate()
        if rate is None:
            return True
        limit, window = rate
        now = time.time()
        bucket = int(now // window)
        count = counters.hit(f"api-rate:{self.identity(request)}:{bucket}", window=window + 1)
        reset = (bucket + 1) * window
        self._wait = reset - now
        request.essaim_rate_limit = (limit, max(0, limit - count), reset)  # type: ignore[attr-defined]
        return count <= limit

    def wait(self) -> float | None:
        return self._wait


def _rate() -> tuple[int, int] | None:
    """``(requests, seconds)``, or None when the API is not limited."""
    explicit = getattr(settings, "API_RATE_LIMIT", None)
    if explicit:
        return parse_rate(explicit)
    limit = ratelimits.limits()["api"]
    return None if limit is None else (limit.count, limit.window_s)


def add_headers(request: HttpRequest, response: HttpResponse) -> None:
    """Mastodon's rate-limit headers on an API answer, from what :class:`ApiRateLimit` counted for it."""
    counted = getattr(request, "essaim_rate_limit", None)
    if counted is None:
        return
    limit, remaining, reset = counted
    response["X-RateLimit-Limit"] = str(limit)
    response["X-RateLimit-Remaining"] = str(remaining)
    response["X-RateLimit-Reset"] = datetime.fromtimestamp(reset, tz=UTC).isoformat().replace("+00:00", "Z")
