"""Mastodon-style pagination: ``max_id`` / ``since_id`` / ``min_id`` / ``limit`` and a ``Link`` header.

``rel="next"`` points to older items (``max_id`` = the last id of the page), ``rel="prev"``
to newer ones (``min_id`` = the first id of the page), exactly as Mastodon does.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from pydantic import Field, WithJsonSchema

from essaim.api.params import QueryCursorId
from essaim.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Cursor, Page, parse_cursor

CURSOR_KEYS = ("max_id", "since_id", "min_id")


class PageParams(Schema):
    """Documented here as what the server accepts; read with ``essaim.core.pagination.parse_cursor``, which
    answers anything else 400 in Mastodon's words (an empty value is the same as none)."""

    max_id: QueryCursorId = Field(None, description="Return results older than this id.")
    since_id: QueryCursorId = Field(None, description="Return results newer than this id.")
    min_id: QueryCursorId = Field(None, description="Return results immediately newer than this id.")
    limit: Annotated[str | None, WithJsonSchema({"type": "integer", "minimum": 1})] = Field(
        None, description=f"Maximum number of results (default {DEFAULT_LIMIT}); more than {MAX_LIMIT} is {MAX_LIMIT}."
    )


def cursor_from(request: HttpRequest) -> Cursor:
    return parse_cursor(request.GET)


def _page_url(request: HttpRequest, **cursor: str) -> str:
    params = [(k, v) for k, values in request.GET.lists() if k not in CURSOR_KEYS for v in values]
    params.extend(cursor.items())
    return request.build_absolute_uri(f"{request.path}?{urlencode(params)}")


def add_link_header(response: HttpResponse, request: HttpRequest, page: Page[Any]) -> None:
    """``Link: <…?max_id=…>; rel="next", <…?min_id=…>; rel="prev"``, each only when it leads somewhere."""
    links = []
    if page.next_max_id is not None:
        links.append(f'<{_page_url(request, max_id=str(page.next_max_id))}>; rel="next"')
    if page.prev_min_id is not None:
        links.append(f'<{_page_url(request, min_id=str(page.prev_min_id))}>; rel="prev"')
    if links:
        response["Link"] = ", ".join(links)
