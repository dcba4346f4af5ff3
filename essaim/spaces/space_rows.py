"""Spaces read with hand-written SQL: one space as its pages and API ask for it, and a page of the directory.

What ``space_list_for`` (``access.visible`` on ``Space.objects.select_related("parent")``, with
the reader's role) asked the ORM for, on every space page, every space feed and every search
typed: the ORM took 1.6–2 ms to build the statement for one space, and 4.5 ms for a directory
page and its sixty-odd instances, for queries the database answers in well under a millisecond
(bench/README.md). The text is made of fixed pieces; every value is a parameter. Who may see a
space is the access policy's SQL form (``access.visible_sql``). ``tests/spaces/test_space_rows.py``
proves the rows equal to the ORM's form of the same queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from essaim import access
from essaim.access.roles import Actor
from essaim.core.rows import ModelColumns, attach, database, fetch
from essaim.spaces.models import JoinRequest, Membership, Space, SpaceInvitation

_SPACE = ModelColumns(Space, "s")
_PARENT = ModelColumns(Space, "sp")
_ROLE = f"(SELECT r.role FROM {Membership._meta.db_table} r WHERE r.space_id = s.id AND r.user_id = %s)"  # noqa: S608


def _select(db: BaseDatabaseWrapper, extras: Sequence[str], conditions: Sequence[str]) -> str:
    """The space, its parent, the reader's role and ``extras``, for the visible spaces meeting ``conditions``."""
    table = Space._meta.db_table
    columns = ", ".join([_SPACE.select(db), _PARENT.select(db), _ROLE, *extras])
    return (
        f"SELECT {columns} FROM {table} s LEFT JOIN {table} sp ON sp.id = s.parent_id "  # noqa: S608 - names from the models' meta
        f"WHERE {' AND '.join(conditions)}"
    )


def _build(row: Sequence[Any], actor: Actor, db: BaseDatabaseWrapper) -> tuple[Space, Sequence[Any]]:
    """The space of ``row`` with its parent and the reader's role (as ``with_viewer_role`` gives it), and the
    columns after them."""
    space = _SPACE.build(row, 0, db)
    assert space is not None
    attach(space, "parent", _PARENT.build(row, _SPACE.width, db))
    at = _SPACE.width + _PARENT.width
    space.viewer_role, space.viewer_role_for = row[at], actor.pk  # type: ignore[attr-defined]  # as with_viewer_role
    return space, row[at + 1 :]


def space_row(*, actor: Actor, pk: int | None = None, slug: str | None = None) -> Space | None:
    """The space with this id or address if ``actor`` may see it, with its parent and the reader's role."""
    db = database()
    visible, params = access.visible_sql(actor, Space, "s")
    key, value = ("s.id = %s", pk) if pk is not None else ("s.slug = %s", slug)
    rows = fetch(_select(db, (), [key, visible]), [actor.pk, value, *params])
    return _build(rows[0], actor, db)[0] if rows else None


def _like(db: BaseDatabaseWrapper) -> str:
    """``s.search_key LIKE %s`` with the backslash as escape character, as the ORM writes ``startswith``."""
    return "s.search_key LIKE %s" + (" ESCAPE '\\'" if db.vendor == "sqlite" else "")


def _escaped(value: str) -> str:
    """``value`` with LIKE's wildcards and the escape character taken literally."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def directory_rows(*, actor: Actor, q: str, scope: str, after: tuple[str, int] | None, limit: int) -> list[Space]:
    """Up to ``limit`` spaces of the directory for ``actor``: ``q`` (folded) starts the key or one of
    its words; ``scope`` is ``""``, ``mine``, ``public``, ``private`` or ``archived``; ``after`` is
    the keyset cursor ``(search_key, id)`` of the previous page's last row. Each space carries its
    parent, the reader's role, ``member_count``, ``viewer_has_pending_request`` and
    ``viewer_invitation_id`` (the newest invitation waiting for the reader, as ``my_invitation_list``
    finds them: to their account or, for a guest invited before signing up, to their address)."""
    db = database()
    visible, params = access.visible_sql(actor, Space, "s")
    conditions = [visible]
    if q:
        conditions.append(f"({_like(db)} OR {_like(db)})")
        params += [f"{_escaped(q)}%", f"% {_escaped(q)}%"]
    conditions.append("s.archived_at IS NOT NULL" if scope == "archived" else "s.archived_at IS NULL")
    if scope == "mine":
        conditions.append(
            f"EXISTS (SELECT 1 FROM {Membership._meta.db_table} mm WHERE mm.space_id = s.id AND mm.user_id = %s)"  # noqa: S608
        )
        params.append(actor.pk)
    elif scope in {Space.Visibility.PUBLIC, Space.Visibility.PRIVATE}:
        conditions.append("s.visibility = %s")
        params.append(scope)
    if after is not None:
        conditions.append("(s.search_key > %s OR (s.search_key = %s AND s.id > %s))")
        params += [after[0], after[0], after[1]]
    extras = (
        f"(SELECT COUNT(*) FROM {Membership._meta.db_table} c WHERE c.space_id = s.id)",  # noqa: S608
        f"EXISTS (SELECT 1 FROM {JoinRequest._meta.db_table} j "  # noqa: S608
        "WHERE j.space_id = s.id AND j.user_id = %s AND j.status = %s)",
        f"(SELECT MAX(i.id) FROM {SpaceInvitation._meta.db_table} i WHERE i.space_id = s.id AND i.status = %s "  # noqa: S608
        "AND (i.user_id = %s OR (i.user_id IS NULL AND i.email = %s)))",
    )
    sql = f"{_select(db, extras, conditions)} ORDER BY s.search_key, s.id LIMIT %s"
    invited = [SpaceInvitation.Status.PENDING.value, actor.pk, (getattr(actor, "email", "") or "").lower()]
    values: list[Any] = [actor.pk, actor.pk, JoinRequest.Status.PENDING.value, *invited, *params, limit]
    spaces = []
    for row in fetch(sql, values):
        space, (members, pending, invitation) = _build(row, actor, db)
        space.member_count, space.viewer_has_pending_request = members, bool(pending)  # type: ignore[attr-defined]
        space.viewer_invitation_id = invitation  # type: ignore[attr-defined]
        spaces.append(space)
    return spaces
