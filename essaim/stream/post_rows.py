"""Feed posts read with their author, the author's profile and their space in one hand-written query.

What ``Post.objects.select_related("author__profile", "space")`` loads, for the feeds' three
shapes: posts by id (``posts_by_id``), a page of someone's home feed joined to its posts
(``home_page``: their materialised timeline merged with their followed tags' posts, in one query
instead of each source's then the posts'), and a page of a space's posts (``space_page``), with
its sub-spaces' when it shows them.
Building the ORM's form of these queries cost about three times what the database takes to run
them, on every feed page (bench/README.md); their shape never changes, so the SQL is written
once here and the rows become the ORM's own instances through ``core.rows.ModelColumns``. Only
placeholders go into the text; ids, owner, tags, space, cursor and limit are parameters.
``tests/stream/test_post_rows.py`` proves each equal to the ORM's form on every field.
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
from essaim.stream.models import HomeEntry, Post, PostTag, TagFollow, Visibility
from essaim.stream.sources import EVERY_SOURCE, SourceFilter, mute_sql, mute_sql_by_id, source_sql

_POST = ModelColumns(Post, "p")
_AUTHOR = ModelColumns(User, "u")
_PROFILE = ModelColumns(Profile, "pr")
_SPACE = ModelColumns(Space, "s")


@statement
def _columns(db: BaseDatabaseWrapper) -> str:
    """The select list of the four models, quoted once per database: the home feed's statement
    changes with the reader's followed tags, its sixty-odd columns do not."""
    return ", ".join(c.select(db) for c in (_POST, _AUTHOR, _PROFILE, _SPACE))


def _select(db: BaseDatabaseWrapper, source: str) -> str:
    """The select list and joins, from ``source`` (which names the posts' table ``p``)."""
    columns = _columns()
    return (
        f"SELECT {columns} FROM {source} "  # noqa: S608 - names from the models' meta; values are parameters
        f"JOIN {User._meta.db_table} u ON u.id = p.author_id "
        f"LEFT JOIN {Profile._meta.db_table} pr ON pr.user_id = u.id "
        f"LEFT JOIN {Space._meta.db_table} s ON s.id = p.space_id"
    )


@statement
def _posts_sql(db: BaseDatabaseWrapper) -> str:
    return _select(db, f"{Post._meta.db_table} p")


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


def followed_tag_ids(user_id: int) -> list[int]:
    """The tags ``user_id`` follows (the home feed reads their posts: ``home_page``)."""
    return [row[0] for row in fetch(_followed_tags_sql(), [user_id])]


@statement
def _followed_tags_sql(db: BaseDatabaseWrapper) -> str:
    return f"SELECT tag_id FROM {TagFollow._meta.db_table} WHERE user_id = %s"  # noqa: S608 - the model's table


@statement
def _tag_branch_sql(db: BaseDatabaseWrapper) -> str:
    # One tag's posts that delivery would have given its followers: company-wide ones outside
    # spaces, and those of public spaces; hidden ones never (their author sees them as their own).
    return (
        f"SELECT t.post_id FROM {PostTag._meta.db_table} t "  # noqa: S608 - names from the models' meta
        f"JOIN {Post._meta.db_table} p ON p.id = t.post_id "
        f"JOIN {User._meta.db_table} u ON u.id = p.author_id "
        f"LEFT JOIN {Space._meta.db_table} s ON s.id = p.space_id "
        "WHERE t.tag_id = %s AND p.hidden_at IS NULL "
        "AND ((p.space_id IS NULL AND p.visibility = %s) OR s.visibility = %s)"
    )


def home_page(
    *, owner_id: int, tag_ids: Sequence[int], cursor: Cursor, source: SourceFilter = EVERY_SOURCE
) -> list[Post]:
    """``cursor``'s rows of ``owner_id``'s home feed as loaded posts: ``apply_cursor``'s rows
    (``limit + 1``, newest first, oldest first for ``min_id``) for ``page_from_rows``.

    The timeline's entries (read back through the ``(owner, post)`` index, ``LIMIT`` rows) and the
    posts of the tags ``owner_id`` follows, merged, then joined to their posts: each source takes
    a sub-select of its own before the posts are joined: joined directly, PostgreSQL merged the
    timeline with the posts' whole primary key, reading back from the newest post until it had
    met the page's (2,167 posts for one page of 21). The posts are not checked for visibility
    here: ``access.visible_among`` is. The owner's muted sources, and ``source`` when it filters, are
    conditions inside each source's sub-select (``stream.sources``), so a page is never short. Only a
    ``source`` joins the timeline's sub-select to the posts and their authors; the mutes are read from the
    entry's post id (``mute_sql_by_id``), so the timeline's index still leads the plan.
    """
    limit = cursor.limit + 1
    conditions, params, order = _cursor_sql("e.post_id", cursor)
    chosen, chosen_params = source_sql(source)
    muted, muted_params = mute_sql_by_id(owner_id, "e.post_id")
    where = " AND ".join(["e.owner_id = %s", *conditions, *chosen, *muted])
    joined_for_source = (
        f"JOIN {Post._meta.db_table} p ON p.id = e.post_id JOIN {User._meta.db_table} u ON u.id = p.author_id "
        if chosen
        else ""
    )
    timeline = (
        f"SELECT e.post_id FROM {HomeEntry._meta.db_table} e {joined_for_source}"  # noqa: S608 - names from meta
        f"WHERE {where} ORDER BY e.post_id {order} LIMIT %s"
    )
    kept, kept_params = _kept(owner_id, source)
    tag_conditions, _params, _order = _cursor_sql("t.post_id", cursor)
    tagged = " AND ".join([_tag_branch_sql(), *tag_conditions, *kept]) + f" ORDER BY t.post_id {order} LIMIT %s"
    # Each source in a sub-select of its own: a compound member may not have its own ORDER BY/LIMIT.
    branches = [timeline, *[tagged] * len(tag_ids)]
    sources = " UNION ".join(f"SELECT post_id FROM ({branch}) b{n}" for n, branch in enumerate(branches))  # noqa: S608
    values: list[Any] = [owner_id, *params, *chosen_params, *muted_params, limit]
    for tag_id in tag_ids:
        values += [tag_id, Visibility.COMPANY, Space.Visibility.PUBLIC, *params, *kept_params, limit]
    joined = f"({sources}) e JOIN {Post._meta.db_table} p ON p.id = e.post_id"
    return _posts(f"{_select(database(), joined)} ORDER BY p.id {order} LIMIT %s", [*values, limit])


def _kept(reader_id: int | None, source: SourceFilter) -> tuple[list[str], list[Any]]:
    """The conditions (on ``p`` and ``u``) that keep the posts ``source`` shows and the reader did not mute."""
    chosen, chosen_params = source_sql(source)
    muted, muted_params = mute_sql(reader_id)
    return [*chosen, *muted], [*chosen_params, *muted_params]


def space_page(
    *, space_ids: Sequence[int], cursor: Cursor, reader_id: int | None = None, source: SourceFilter = EVERY_SOURCE
) -> list[Post]:
    """``cursor``'s rows of the posts in the spaces ``space_ids`` (a space, then the sub-spaces whose
    posts it shows), but those pinned in the first, as loaded posts (the rows ``page_from_rows``
    takes). One range scan of the posts' ``(space, id)`` index per space, ``limit + 1`` rows at most
    each, merged as ``home_page`` merges its sources (given ``space_id IN (…)``, a database reads
    and sorts every post of those spaces). Visibility is for ``access.visible_among``, as with the
    home timeline. ``reader_id``'s muted sources and ``source`` are conditions of the same query."""
    conditions, params, order = _cursor_sql("p.id", cursor)
    limit = cursor.limit + 1
    pinned = f"p.id NOT IN (SELECT post_id FROM {SpacePin._meta.db_table} WHERE space_id = %s)"  # noqa: S608
    kept, kept_params = _kept(reader_id, source)
    where = " AND ".join(["p.space_id = %s", pinned, *conditions, *kept])
    if len(space_ids) == 1:
        sql = f"{_posts_sql()} WHERE {where} ORDER BY p.id {order} LIMIT %s"
        return _posts(sql, [space_ids[0], space_ids[0], *params, *kept_params, limit])
    branch = (
        f"SELECT p.id AS post_id FROM {Post._meta.db_table} p "  # noqa: S608 - names from the models' meta
        f"JOIN {User._meta.db_table} u ON u.id = p.author_id WHERE {where} ORDER BY p.id {order} LIMIT %s"
    )
    sources = " UNION ".join(f"SELECT post_id FROM ({branch}) b{n}" for n in range(len(space_ids)))  # noqa: S608
    values: list[Any] = []
    for space_id in space_ids:
        values += [space_id, space_ids[0], *params, *kept_params, limit]
    joined = f"({sources}) e JOIN {Post._meta.db_table} p ON p.id = e.post_id"
    return _posts(f"{_select(database(), joined)} ORDER BY p.id {order} LIMIT %s", [*values, limit])
