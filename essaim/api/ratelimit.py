"""A simple fixed-window rate limit per token, per signed-in person, or per IP, counted by every
process together (``core.counters``: Redis, or a SQLite file in the embedded default).

The limit is ``settings.API_RATE_LIMIT`` (``"<requests>/<seconds>"``, default 300 requests per
5 minutes). Going over answers 429 with ``Retry-After``.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from essaim.core import counters

DEFAULT_RATE = "300/300"


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
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return f"ip:{self.get_ident(request)}"

    def allow_request(self, request: HttpRequest) -> bool:
        limit, window = parse_rate(getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE))
        now = time.time()
        bucket = int(now // window)
        count = counters.hit(f"api-rate:{self.identity(request)}:{bucket}", window=window + 1)
        self._wait = (bucket + 1) * window - now
        return count <= limit

    def wait(self) -> float | None:
        return self._wait
