"""Mastodon-style pagination: ``max_id`` / ``since_id`` / ``min_id`` / ``limit`` and a ``Link`` header.

``rel="next"`` points to older items (``max_id`` = the last id of the page), ``rel="prev"``
to newer ones (``min_id`` = the first id of the page), exactly as Mastodon does.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from essaim.api.errors import ApiError

DEFAULT_LIMIT = 20
MAX_LIMIT = 40
CURSOR_KEYS = ("max_id", "since_id", "min_id")


class PageParams(Schema):
    max_id: str | None = Field(None, description="Return results older than this id.")
    since_id: str | None = Field(None, description="Return results newer than this id.")
    min_id: str | None = Field(None, description="Return results immediately newer than this id.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Maximum number of results (1–40).")

    def cursor(self, name: str) -> int | None:
        raw = getattr(self, name)
        if raw in (None, ""):
            return None
        try:
            value = int(raw)
        except ValueError:
            raise ApiError(
                400, _("Invalid cursor"), _("“%(name)s” must be an id from a previous page.") % {"name": name}
            ) from None
        if value < 0 or value >= 2**63:
            raise ApiError(400, _("Invalid cursor"), _("“%(name)s” is out of range.") % {"name": name})
        return value


def _page_url(request: HttpRequest, **cursor: str) -> str:
    params = [(k, v) for k, values in request.GET.lists() if k not in CURSOR_KEYS for v in values]
    params.extend(cursor.items())
    return request.build_absolute_uri(f"{request.path}?{urlencode(params)}")


def add_link_header(response: HttpResponse, request: HttpRequest, ids: Sequence[object]) -> None:
    """``Link: <…?max_id=last>; rel="next", <…?min_id=first>; rel="prev"`` for a non-empty page."""
    if not ids:
        return
    next_url = _page_url(request, max_id=str(ids[-1]))
    prev_url = _page_url(request, min_id=str(ids[0]))
    response["Link"] = f'<{next_url}>; rel="next", <{prev_url}>; rel="prev"'
