"""The people and tags a text names, and the rows that link a post (or comment) to them.

Every new post looks up the ``@handles`` and ``#tags`` its text names and writes a row for
each. Through the ORM those were five queries (the people, one ``get_or_create`` per tag, two
``bulk_create``) that cost more to build than to run, at every post; a third of post creation's
server CPU besides the Markdown (bench/README.md). Their shapes never change, so their SQL is
written once here (``core.rows``), with the values as parameters. The people are not checked
for visibility here: the caller asks ``access.visible_among``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.backends.base.base import BaseDatabaseWrapper

from essaim.accounts.models import User
from essaim.core.rows import ModelColumns, database, fetch, placeholders, statement
from essaim.core.text import fold
from essaim.stream.models import TAG_MAX_CHARS, Mention, PostTag, Tag

_USER = ModelColumns(User, "u")
_TAG = ModelColumns(Tag, "t")


def people_named(handles: Sequence[str]) -> list[User]:
    """The people whose handle is one of ``handles`` (in no particular order), active or not."""
    if not handles:
        return []
    db = database()
    sql = f"SELECT {_USER.select(db)} FROM {User._meta.db_table} u WHERE u.handle IN ({placeholders(len(handles))})"  # noqa: S608 - names from the model's meta; values are parameters
    return [user for row in fetch(sql, list(handles)) if (user := _USER.build(row, 0, db)) is not None]


def tags_named(names: Sequence[str]) -> list[Tag]:
    """The tags of ``names`` (as typed), in their order, one per folded name; those new are created.

    A tag is its folded name (``core.text.fold``, cut to ``TAG_MAX_CHARS``): ``#Café`` and
    ``#cafe`` are one tag, named as it was first written.
    """
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(fold(name)[:TAG_MAX_CHARS], name[:TAG_MAX_CHARS])
    wanted.pop("", None)
    if not wanted:
        return []
    found = _tags_folded(list(wanted))
    missing = [folded for folded in wanted if folded not in found]
    if missing:  # rare: most posts use tags that exist. A tag written meanwhile by another post stays.
        Tag.objects.bulk_create([Tag(folded=f, name=wanted[f]) for f in missing], ignore_conflicts=True)
        found |= _tags_folded(missing)
    return [found[folded] for folded in wanted]


def _tags_folded(folded: list[str]) -> dict[str, Tag]:
    db = database()
    sql = f"SELECT {_TAG.select(db)} FROM {Tag._meta.db_table} t WHERE t.folded IN ({placeholders(len(folded))})"  # noqa: S608 - names from the model's meta; values are parameters
    tags = [tag for row in fetch(sql, folded) if (tag := _TAG.build(row, 0, db)) is not None]
    return {tag.folded: tag for tag in tags}


@statement
def _mention_sql(db: BaseDatabaseWrapper) -> str:
    # A mention already recorded (an edit keeping it) is left as it is.
    return (
        f"INSERT INTO {Mention._meta.db_table} (post_id, comment_id, user_id) "  # noqa: S608 - the model's table
        "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING"
    )


@statement
def _post_tag_sql(db: BaseDatabaseWrapper) -> str:
    return f"INSERT INTO {PostTag._meta.db_table} (post_id, tag_id) VALUES (%s, %s) ON CONFLICT DO NOTHING"  # noqa: S608 - the model's table


def add_mentions(*, post_id: int, user_ids: Sequence[int], comment_id: int | None = None) -> None:
    """Record that ``user_ids`` are mentioned in the post (or in its comment ``comment_id``)."""
    if user_ids:
        with database().cursor() as cursor:
            cursor.executemany(_mention_sql(), [(post_id, comment_id, user_id) for user_id in user_ids])


def add_tags(*, post_id: int, tag_ids: Sequence[int]) -> None:
    """Record that the post carries ``tag_ids``."""
    if tag_ids:
        with database().cursor() as cursor:
            cursor.executemany(_post_tag_sql(), [(post_id, tag_id) for tag_id in tag_ids])
