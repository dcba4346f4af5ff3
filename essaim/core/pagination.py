"""Cursor pagination by id, Mastodon style: ``max_id`` (older than), ``since_id`` (newer than,
newest first) and ``min_id`` (newer than, the page right after it). No OFFSET: every page is an
index range scan on a time-ordered id.

``parse_cursor`` turns query parameters into a :class:`Cursor` and refuses garbage with a
``ValidationError`` (views answer 400 with its message); ``paginate`` applies it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from essaim.core.ids import is_digits

DEFAULT_LIMIT = 20
MAX_LIMIT = 40
MAX_ID_VALUE = (1 << 63) - 1

M = TypeVar("M", bound=Model)
T = TypeVar("T")


@dataclass(frozen=True)
class Cursor:
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = DEFAULT_LIMIT

    @property
    def is_first_page(self) -> bool:
        return self.max_id is None and self.min_id is None and self.since_id is None


@dataclass(frozen=True)
class Page[T]:
    items: list[T]
    next_max_id: int | None  # pass as ``max_id`` to get older items; None at the end
    prev_min_id: int | None  # pass as ``min_id`` to get newer items

    @property
    def has_more(self) -> bool:
        return self.next_max_id is not None


def _parse_id(raw: str, name: str) -> int:
    raw = raw.strip()
    if not is_digits(raw) or len(raw) > 19 or int(raw) > MAX_ID_VALUE:
        raise ValidationError(
            _("The %(name)s parameter must be a post id (a positive whole number).") % {"name": name},
            code="bad_cursor",
        )
    return int(raw)


def parse_cursor(
    params: Mapping[str, Any], *, default_limit: int = DEFAULT_LIMIT, max_limit: int = MAX_LIMIT
) -> Cursor:
    """Read ``max_id``, ``since_id``, ``min_id`` and ``limit`` from query parameters; a ``limit`` over ``max_limit``
    is ``max_limit``."""
    values: dict[str, int | None] = {}
    for name in ("max_id", "since_id", "min_id"):
        raw = params.get(name)
        values[name] = _parse_id(str(raw), name) if raw not in (None, "") else None
    raw_limit = params.get("limit")
    limit = default_limit
    if raw_limit not in (None, ""):
        text = str(raw_limit).strip()
        if not is_digits(text) or int(text) < 1:
            raise ValidationError(_("The limit parameter must be a whole number, 1 or more."), code="bad_limit")
        limit = min(int(text), max_limit)  # more than the most is the most, as Mastodon answers
    return Cursor(max_id=values["max_id"], since_id=values["since_id"], min_id=values["min_id"], limit=limit)


def apply_cursor[M: Model](queryset: QuerySet[M], cursor: Cursor, *, field: str = "pk") -> QuerySet[M]:
    """Filter and order ``queryset`` for the cursor, one more row than the page (to know if more follow)."""
    if cursor.max_id is not None:
        queryset = queryset.filter(**{f"{field}__lt": cursor.max_id})
    if cursor.since_id is not None:
        queryset = queryset.filter(**{f"{field}__gt": cursor.since_id})
    if cursor.min_id is not None:
        return queryset.filter(**{f"{field}__gt": cursor.min_id}).order_by(field)[: cursor.limit + 1]
    return queryset.order_by(f"-{field}")[: cursor.limit + 1]


def page_from_rows[T](rows: list[T], cursor: Cursor, *, key: str = "pk") -> Page[T]:
    """Turn ``apply_cursor``'s rows (limit + 1 of them) into a newest-first :class:`Page`."""
    more = len(rows) > cursor.limit
    rows = rows[: cursor.limit]
    if cursor.min_id is not None:
        rows.reverse()
    ids = [getattr(r, key) for r in rows]
    if cursor.min_id is not None:
        # Going up: older items exist (we came from there); newer ones if ``more``.
        next_max_id = ids[-1] if ids else cursor.min_id
        prev_min_id = ids[0] if ids and more else None
    else:
        next_max_id = ids[-1] if ids and more else None
        prev_min_id = ids[0] if ids else None
    return Page(items=rows, next_max_id=next_max_id, prev_min_id=prev_min_id)


def paginate[M: Model](queryset: QuerySet[M], cursor: Cursor, *, field: str = "pk") -> Page[M]:
    """One page of ``queryset``, newest first, by id cursor."""
    return page_from_rows(list(apply_cursor(queryset, cursor, field=field)), cursor)
