"""The actor's memberships, as the rules of several domains read them on loaded rows."""

from __future__ import annotations

from collections.abc import Sequence

from essaim.core.rows import fetch, placeholders


def space_roles(user_id: int, space_ids: Sequence[int]) -> list[tuple[int, str]]:
    """``(space id, role)`` of ``user_id``'s memberships among ``space_ids``: on every page (a feed's
    spaces, the side column's "My spaces"), so written in SQL over the ``(user, space)`` index
    rather than built by the ORM each time (which cost several times the query's own run)."""
    from essaim.spaces.models import Membership

    if not space_ids:
        return []
    sql = (
        f"SELECT space_id, role FROM {Membership._meta.db_table} "  # noqa: S608 - the table from the model's meta
        f"WHERE user_id = %s AND space_id IN ({placeholders(len(space_ids))})"
    )
    return fetch(sql, [user_id, *space_ids])
