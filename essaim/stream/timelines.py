"""Materialised home timelines (fan-out on write), with followed tags read at read time.

A post is written once, and one ``HomeEntry(owner, post)`` is inserted per person it is for:
the author, their followers, mentioned people and the members of its space, as the post's
visibility allows. An audience that fits in one batch is written in the post's own transaction
(``deliver_if_small``); a larger one (a big space, a much-followed author) by the ``deliver``
task, batch by batch. Reading a home feed is then an index range scan on
``(owner_id, post_id)``; the selector re-checks ``access.visible`` on the posts it gets, so a
deleted or newly invisible post never shows even if its entry is still there.

Followed tags are not delivered: the home feed reads each followed tag's newest posts from the
tags' own ``(tag, post)`` index and merges them with the timeline (``post_rows.home_page``).
Tags were two thirds of the rows delivery wrote (a post reached 256 timelines on average, 166 of
them through a tag alone) for one more short range scan per followed tag when reading; and
following or unfollowing a tag now changes the feed at once, with no rebuild (bench/README.md).

Timelines are capped: ``rebuild`` keeps the newest ``HOME_TIMELINE_CAP`` posts, and delivery
trims about one timeline in ``TRIM_EVERY`` that it writes to (which ones depends on the post), so
each timeline is cut back to the cap every ``TRIM_EVERY`` deliveries or so and never holds much
more than ``HOME_TIMELINE_CAP + TRIM_EVERY`` entries, at the cost of one trim per ``TRIM_EVERY``
rows written instead of one per row. A trim's cost is mostly finding where the cap falls (a walk
of ``HOME_TIMELINE_CAP`` index entries: 0.3 ms on PostgreSQL), hardly the rows it deletes, so
trimming rarely is cheaper: one in 200 took the worker's trims from 1.9 to 0.4 ms a post, against
one in 50, for timelines at most 20 % over the cap (bench/README.md). On SQLite the entries are
stored in key order (a ``WITHOUT ROWID`` table, migration 0008): a trim deletes neighbouring rows
rather than one row per page. On a database worn by a steady stream of posts, a trim's hold of the
writer lock fell from 45–85 ms to 12–23 ms, and post creation at c=16 from 113–125 to 135–147
posts/s, measured back to back (bench/README.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Exists, OuterRef, Q

from essaim import access
from essaim.accounts.models import User
from essaim.core.rows import database, fetch, statement
from essaim.people.models import Follow
from essaim.spaces.models import Membership, Space
from essaim.stream.models import HomeEntry, Mention, Post, Visibility

HOME_TIMELINE_CAP = 1000
TRIM_EVERY = 200
# Rows per transaction in the task: on SQLite (one writer at a time) a post being written waits
# at most for one batch (≈ 3 ms for 500 rows) rather than a whole large audience (a 5,000-member space).
BATCH = 500


@statement
def _insert_sql(db: BaseDatabaseWrapper) -> str:
    # An entry already there (a re-delivery, a rebuild that got there first) is left as it is.
    table = HomeEntry._meta.db_table
    if db.vendor == "postgresql":  # the batch as one array: one statement, not one per row
        return (
            f"INSERT INTO {table} (owner_id, post_id) "  # noqa: S608 - the model's table
            "SELECT owner, %s FROM unnest(%s::bigint[]) AS owner ON CONFLICT DO NOTHING"
        )
    return f"INSERT INTO {table} (owner_id, post_id) VALUES (%s, %s) ON CONFLICT DO NOTHING"  # noqa: S608


def _insert_batch(cursor: CursorWrapper, owners: list[int], post_id: int) -> None:
    """SQLite runs its prepared statement per row in C (≈ 3 µs a row); PostgreSQL, sent one row per
    statement, took 20 µs a row, so it gets the batch as an array."""
    if cursor.db.vendor == "postgresql":
        cursor.execute(_insert_sql(), [post_id, owners])
    else:
        cursor.executemany(_insert_sql(), [(owner, post_id) for owner in owners])


@statement
def _trim_sql(db: BaseDatabaseWrapper) -> str:
    # The boundary is the (keep + 1)-th newest entry; a shorter timeline has none, and
    # ``post_id <= NULL`` deletes nothing.
    table = HomeEntry._meta.db_table
    return (
        f"DELETE FROM {table} WHERE owner_id = %s AND post_id <= ("  # noqa: S608 - the model's table
        f"SELECT post_id FROM {table} WHERE owner_id = %s ORDER BY post_id DESC LIMIT 1 OFFSET %s)"
    )


def _write(cursor: CursorWrapper, owners: list[int], post_id: int) -> None:
    """One batch of entries, and the trim of the timelines it samples (``TRIM_EVERY``)."""
    _insert_batch(cursor, owners, post_id)
    trimmed = [(o, o, HOME_TIMELINE_CAP) for o in owners if (o + post_id) % TRIM_EVERY == 0]
    if trimmed:
        cursor.executemany(_trim_sql(), trimmed)


def _insert(owner_ids: Iterable[int], post_id: int) -> int:
    """One entry per owner, in batches of ``BATCH``, each in its own transaction. Plain rows rather
    than ``bulk_create``: building a model instance per row cost 35 µs, ten times what SQLite took
    to insert it (bench/README.md)."""
    owners = sorted(set(owner_ids))
    for start in range(0, len(owners), BATCH):
        with transaction.atomic(), database().cursor() as cursor:
            _write(cursor, owners[start : start + BATCH], post_id)
    return len(owners)


@statement
def _mentioned_sql(db: BaseDatabaseWrapper) -> str:
    return f"SELECT user_id FROM {Mention._meta.db_table} WHERE post_id = %s AND comment_id IS NULL"  # noqa: S608


@statement
def _followers_sql(db: BaseDatabaseWrapper) -> str:
    return f"SELECT follower_id FROM {Follow._meta.db_table} WHERE followed_id = %s"  # noqa: S608


@statement
def _members_sql(db: BaseDatabaseWrapper) -> str:
    return f"SELECT user_id FROM {Membership._meta.db_table} WHERE space_id = %s"  # noqa: S608


def audience(post: Post) -> set[int]:
    """Ids of the people whose home timeline should hold ``post``: its author, its space's members and,
    outside spaces and in public spaces only, the author's followers and the people it mentions (as
    its visibility allows). Someone among them who may not read it (a mentioned guest outside the
    space, a deactivated follower) is harmless: the feed re-checks every post. The followers of its
    tags read it from the tag (``post_rows.home_page``). ``tests/access/test_readers.py`` proves the
    readers among them are exactly the readers it is for. One statement, written once: the ORM's
    three queries cost more to build than to run, on every post."""
    sources: list[tuple[str, list[int]]] = []
    if post.space is not None:
        sources.append((_members_sql(), [post.space.pk]))
        with_others = post.space.visibility == Space.Visibility.PUBLIC
        with_followers = with_others
    else:
        with_others = True
        with_followers = post.visibility in {Visibility.COMPANY, Visibility.FOLLOWERS}
    if with_others:
        sources.append((_mentioned_sql(), [post.pk]))
    if with_followers:
        sources.append((_followers_sql(), [post.author_id]))
    sql = " UNION ".join(text for text, _params in sources)
    owners = {row[0] for row in fetch(sql, [value for _text, params in sources for value in params])}
    owners.add(post.author_id)
    return owners


def deliver_many_if_small(posts: Sequence[Post]) -> bool:
    """``deliver_if_small`` for posts of one audience written at once (a feed's items: one author, one space,
    no mentions): the audience is asked once and every entry goes in one statement, in the caller's
    transaction; ``False``, with nothing written, when the audience is larger than one ``BATCH``."""
    if not posts:
        return True
    owners = sorted(audience(posts[0]))
    if len(owners) > BATCH:
        return False
    with database().cursor() as cursor:
        if cursor.db.vendor == "postgresql":
            for post in posts:
                cursor.execute(_insert_sql(), [post.pk, owners])
        else:
            cursor.executemany(_insert_sql(), [(owner, post.pk) for post in posts for owner in owners])
        sampled = {post.pk % TRIM_EVERY for post in posts}  # as ``_write``: (owner + post) % TRIM_EVERY == 0
        trimmed = [(o, o, HOME_TIMELINE_CAP) for o in owners if (-o) % TRIM_EVERY in sampled]
        if trimmed:
            cursor.executemany(_trim_sql(), trimmed)
    return True


def deliver(*, post_id: int) -> int:
    """Put the post in the home timeline of its audience. Returns how many timelines got it."""
    post = Post.objects.select_related("space").filter(pk=post_id).first()
    if post is None:  # deleted before delivery
        return 0
    return _insert(audience(post), post.pk)


def deliver_if_small(post: Post) -> bool:
    """Deliver ``post`` in the caller's transaction when its audience fits in one ``BATCH`` (most
    do: the benchmark's posts reach 88 timelines on average); ``False``, with nothing written,
    when it does not, for the caller to queue ``deliver``. The post is then in its audience's
    feeds the moment it is.

    Queueing the task, claiming it and recording its result cost more than writing a hundred rows
    (three commits, and the worker's share of two cores under load). On SQLite the task's writes
    also queued on the requests' one write lock. On PostgreSQL, with its statements prepared and
    trims rare, delivering in the request took post creation at c=16 from 141 requested and 48
    delivered a second to 207 both, its p99 at c=1 from 17.5 to 16.5 ms, and the visibility p99
    from 122 to 15 ms (bench/README.md)."""
    owners = audience(post)
    if len(owners) > BATCH:
        return False
    with database().cursor() as cursor:
        _write(cursor, sorted(owners), post.pk)
    return True


def rebuild(*, user: User, keep: int = HOME_TIMELINE_CAP) -> int:
    """Recompute ``user``'s timeline from their posts, their spaces, and — outside spaces and in public
    spaces, as ``audience`` delivers — the people they follow and their mentions (fan-out on read, once;
    followed tags are read with the feed). Returns its size. A closed space's posts come to a member
    only, here as by ``audience`` (``tests/access/test_readers.py`` proves both give every reader the
    same posts)."""
    followed = Follow.objects.filter(follower=user, followed_id=OuterRef("author_id"))
    member = Membership.objects.filter(user=user, space_id=OuterRef("space_id"))
    mentioned = Mention.objects.filter(post_id=OuterRef("pk"), comment__isnull=True, user=user)
    open_to_others = Q(space__isnull=True) | Q(space__visibility=Space.Visibility.PUBLIC)
    candidates = Post.objects.filter(
        Q(author=user) | Exists(member) | (open_to_others & (Exists(followed) | Exists(mentioned)))
    )
    post_ids = list(access.visible(user, candidates).order_by("-id").values_list("id", flat=True)[:keep])
    HomeEntry.objects.filter(owner=user).delete()
    HomeEntry.objects.bulk_create([HomeEntry(owner=user, post_id=p) for p in post_ids], batch_size=BATCH)
    return len(post_ids)


def trim(*, owner_id: int, keep: int = HOME_TIMELINE_CAP) -> int:
    """Drop the entries of one timeline past the newest ``keep``. Returns how many were dropped."""
    with database().cursor() as cursor:
        cursor.execute(_trim_sql(), [owner_id, owner_id, keep])
        return cursor.rowcount
