"""How often one person may do each thing: a post, a comment, a reaction, an invitation, a report…

A spammer, a runaway script or a stolen session must not flood a network; a person typing never meets a limit.
Each limit is a count per fixed window, per person, counted by every process together (``core.counters``:
Redis, or a SQLite file in the embedded default; Redis down counts nothing — fail open, as for sign-in). The
services take their turn (``take``) right after the permission check, before writing anything; going over raises
:class:`RateLimited`, which ``RateLimitMiddleware`` answers with 429, ``Retry-After`` and a message in the
reader's language, and the API with its JSON error. docs/configuration.md has the table of every limit, the
API's and sign-in's included.

``ESSAIM_RATE_LIMITS`` changes them (``"post=10/60,comment=off"``; ``off`` alone turns every one off, as the
tests and the benchmark do: they post thousands of times as the same people).
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from essaim.core import counters


@dataclass(frozen=True)
class Limit:
    count: int
    window_s: int


DEFAULTS: dict[str, Limit] = {
    "post": Limit(30, 600),  # 30 posts in 10 minutes
    "comment": Limit(60, 600),
    "reaction": Limit(300, 600),
    "follow": Limit(100, 3600),
    "invitation": Limit(500, 3600),  # the network's invitations: a CSV file of a department at once
    "space_invitation": Limit(200, 3600),
    "join_request": Limit(30, 3600),
    "report": Limit(20, 3600),
    "upload": Limit(120, 600),  # files sent ahead of a post (the API's media)
    "webhook": Limit(30, 600),  # posts by one incoming webhook (counted per hook: ``webhooks.services``)
    "api": Limit(300, 300),  # API requests per token, else person, else address (``api.ratelimit``)
}
WHAT = {
    "api": _("API requests"),
    "post": _("posts"),
    "comment": _("comments"),
    "reaction": _("reactions"),
    "follow": _("follows"),
    "invitation": _("invitations"),
    "space_invitation": _("invitations to spaces"),
    "join_request": _("requests to join spaces"),
    "report": _("reports"),
    "upload": _("uploaded files"),
    "webhook": _("webhook posts"),
}


class RateLimited(Exception):  # noqa: N818 - said as the person hears it: "rate limited"
    """Too many ``action`` in the window: try again in ``retry_after`` seconds."""

    def __init__(self, action: str, retry_after: int) -> None:
        super().__init__(f"rate limited: {action}, retry after {retry_after} s")
        self.action = action
        self.retry_after = retry_after

    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        return str(
            _("Too many %(what)s in a short time: wait %(minutes)s min and try again. Nothing was lost: go back.")
        ) % {"what": WHAT.get(self.action, self.action), "minutes": minutes}


def parse(text: str) -> dict[str, Limit | None]:
    """``ESSAIM_RATE_LIMITS``: ``"off"``, or ``name=count/seconds`` and ``name=off`` pairs, comma-separated."""
    text = text.strip()
    if text == "off":
        return dict.fromkeys(DEFAULTS)
    found: dict[str, Limit | None] = dict(DEFAULTS)
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _sep, rate = item.partition("=")
        if name not in DEFAULTS:
            raise ValueError(f"ESSAIM_RATE_LIMITS: no limit is called {name!r} (known: {', '.join(DEFAULTS)})")
        if rate.strip() == "off":
            found[name] = None
            continue
        count, _slash, seconds = rate.partition("/")
        if not (count.strip().isdigit() and (seconds or "60").strip().isdigit()):
            raise ValueError(f"ESSAIM_RATE_LIMITS: {item!r} is not name=count/seconds nor name=off")
        found[name] = Limit(int(count), int(seconds or 60))
    return found


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> dict[str, Limit | None]:
    return parse(text)


def limits() -> dict[str, Limit | None]:
    """The limits in force: ``settings.RATE_LIMITS`` (``ESSAIM_RATE_LIMITS``) over the defaults."""
    return _parsed(str(getattr(settings, "RATE_LIMITS", "")))


@register(Tags.compatibility)
def check_rate_limits(app_configs: Any, **kwargs: Any) -> list[Error]:
    """``manage.py check`` (and every start) says what is wrong with ``ESSAIM_RATE_LIMITS``."""
    try:
        limits()
    except ValueError as error:
        return [Error(str(error), id="essaim.E010")]
    return []


def take(action: str, who: int | str) -> None:
    """One more ``action`` by ``who`` (a person's id), or :class:`RateLimited` past the limit."""
    limit = limits().get(action, DEFAULTS[action])
    if limit is None:
        return
    now = time.time()
    window = int(now // limit.window_s)
    if counters.hit(f"limit:{action}:{who}:{window}", window=limit.window_s + 1) > limit.count:
        raise RateLimited(action, math.ceil((window + 1) * limit.window_s - now))


class RateLimitMiddleware:
    """A service's :class:`RateLimited` on a page: 429, ``Retry-After``, and why, in the reader's language (the
    API answers its own JSON error: ``api.errors``). Nothing was written: the service refused before."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RateLimited):
            return None
        response: HttpResponse
        if request.headers.get("HX-Request"):  # a button or a small form: the page shows the sentence (essaim.js)
            response = HttpResponse(exception.message(), status=429, content_type="text/plain; charset=utf-8")
        else:
            context = {"status": 429, "title": _("Slow down"), "message": exception.message()}
            response = render(request, "errors/error.html", context, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response
