"""Feed posts read with their author, the author's profile and their space in one hand-written query.

What ``Post.objects.select_related("author__profile", "space")`` loads, for the feeds' three
shapes: posts by id (``posts_by_id``), a page of someone's materialised home timeline joined to its
posts (``home_timeline_page``: one query instead of the timeline's then the posts'), and a page of
one space's posts (``space_page``). Building the ORM's form of these queries cost about three times
what the database takes to run them, on every feed page (bench/README.md); their shape never
changes, so the SQL is written once here and the rows become the ORM's own instances through
``core.rows.ModelColumns``. Only placeholders go into the text; ids, owner, space, cursor and limit
are parameters. ``tests/stream/test_post_rows.py`` proves each equal to the ORM's form on every field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from essaim.accounts.models import User
from essaim.core.pagination import Cursor
from essaim.core.rows import ModelColumns, attach, database, fetch, placeholders, statement
from essaim.people.models import Profile
from essaim.spaces.models import Space, SpacePin
from essaim.stream.models import HomeEntry, Post

_POST = ModelColumns(Post, "p")
_AUTHOR = ModelColumns(User, "u")
_PROFILE = ModelColumns(Profile, "pr")
_SPACE = ModelColumns(Space, "s")


def _select(db: BaseDatabaseWrapper, source: str) -> str:
    """The select list and joins, from ``source`` (which names the posts' table ``p``)."""
    columns = ", ".join(c.select(db) for c in (_POST, _AUTHOR, _PROFILE, _SPACE))
    return (
        f"SELECT {columns} FROM {source} "  # noqa: S608 - names from the models' meta; values are parameters
        f"JOIN {User._meta.db_table} u ON u.id = p.author_id "
        f"LEFT JOIN {Profile._meta.db_table} pr ON pr.user_id = u.id "
        f"LEFT JOIN {Space._meta.db_table} s ON s.id = p.space_id"
    )


@statement
def _posts_sql(db: BaseDatabaseWrapper) -> str:
    return _select(db, f"{Post._meta.db_table} p")


@statement
def _timeline_sql(db: BaseDatabaseWrapper) -> str:
    return _select(db, f"{HomeEntry._meta.db_table} e JOIN {Post._meta.db_table} p ON p.id = e.post_id")


def _posts(sql: str, params: Sequence[Any]) -> list[Post]:
    """The posts of ``sql``'s rows; an author or a space met twice is built once and shared, as
    ``prefetch_related`` shares its objects (a page's twenty posts have a dozen authors)."""
    db = database()
    rows = fetch(sql, params)
    posts = []
    authors: dict[int, User] = {}
    spaces: dict[int | None, Space | None] = {None: None}
    author_at = _POST.width
    profile_at = author_at + _AUTHOR.width
    space_at = profile_at + _PROFILE.width
    for row in rows:
        post = _POST.build(row, 0, db)
        assert post is not None  # inner joins: never null
        author = authors.get(post.author_id)
        if author is None:
            author = _AUTHOR.build(row, author_at, db)
            assert author is not None
            attach(author, "profile", _PROFILE.build(row, profile_at, db))
            authors[post.author_id] = author
        attach(post, "author", author)
        if post.space_id not in spaces:
            spaces[post.space_id] = _SPACE.build(row, space_at, db)
        attach(post, "space", spaces[post.space_id])
        posts.append(post)
    return posts


def posts_by_id(post_ids: Sequence[int]) -> dict[int, Post]:
    """The posts among ``post_ids`` that exist, by id, each with ``author.profile`` and ``space`` loaded."""
    if not post_ids:
        return {}
    sql = f"{_posts_sql()} WHERE p.id IN ({placeholders(len(post_ids))})"
    return {post.pk: post for post in _posts(sql, list(post_ids))}


def _cursor_sql(column: str, cursor: Cursor) -> tuple[list[str], list[Any], str]:
    """``apply_cursor``'s conditions and order on ``column``, as SQL and parameters."""
    conditions, params = [], []
    for value, operator in ((cursor.max_id, "<"), (cursor.since_id, ">"), (cursor.min_id, ">")):
        if value is not None:
            conditions.append(f"{column} {operator} %s")
            params.append(value)
    return conditions, params, "ASC" if cursor.min_id is not None else "DESC"


def home_timeline_page(*, owner_id: int, cursor: Cursor) -> list[Post]:
    """``cursor``'s rows of ``owner_id``'s home timeline as loaded posts: ``apply_cursor``'s rows
    (``limit + 1``, newest first, oldest first for ``min_id``) for ``page_from_rows``.

    One index range scan on the timeline's primary key ``(owner_id, post_id)``, then each post by
    its primary key. The posts are not checked for visibility here: ``access.visible_among`` is.
    """
    conditions, params, order = _cursor_sql("e.post_id", cursor)
    where = " AND ".join(["e.owner_id = %s", *conditions])
    sql = f"{_timeline_sql()} WHERE {where} ORDER BY e.post_id {order} LIMIT %s"
    return _posts(sql, [owner_id, *params, cursor.limit + 1])


def space_page(*, space_id: int, cursor: Cursor) -> list[Post]:
    """``cursor``'s rows of the posts in ``space_id``, but those pinned in it, as loaded posts (the
    rows ``page_from_rows`` takes). One range scan of the posts' ``(space, id)`` index; visibility
    is for ``access.visible_among``, as with the home timeline."""
    conditions, params, order = _cursor_sql("p.id", cursor)
    where = " AND ".join(
        [
            "p.space_id = %s",
            f"p.id NOT IN (SELECT post_id FROM {SpacePin._meta.db_table} WHERE space_id = %s)",  # noqa: S608
            *conditions,
        ]
    )
    sql = f"{_posts_sql()} WHERE {where} ORDER BY p.id {order} LIMIT %s"
    return _posts(sql, [space_id, space_id, *params, cursor.limit + 1])
