"""Less noise: filter a feed by source, and mute sources for oneself — in the feeds' SQL, never after the page.

* **Filter** (``?source=`` on every feed): ``people`` (posts by people: employees and guests), ``feeds`` (posts
  of RSS/Atom feeds, by their ``feed`` accounts), ``integrations`` (incoming webhooks' ``bot`` accounts) or
  ``@handle``, one feed's or integration's posts only.
* **Mute** (``SourceMute``, per person): one automated account, or every automated account in one space. A
  muted source's posts never show in its person's feeds (home, company, spaces, tags, people, their Atom feeds);
  ``/sources/muted/`` lists them to unmute.

Both are conditions on the post's author (``p.author_id``), its kind (``u.kind``) and its space (``p.space_id``),
given to the feeds' SQL: hand-written (``post_rows``: a condition inside each source's sub-select, before its
``LIMIT``, so a page is never short) or the ORM's (``source_q``/``mute_q``). The mutes are one ``NOT EXISTS``
on the person's rows (the ``(user, author)`` and ``(user, space)`` unique indexes): no query of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from essaim.accounts.models import User
from essaim.stream.models import Post, SourceMute

AUTOMATED = (User.Kind.FEED.value, User.Kind.BOT.value)
PEOPLE = (User.Kind.EMPLOYEE.value, User.Kind.GUEST.value)
KINDS = {"people": PEOPLE, "feeds": (User.Kind.FEED.value,), "integrations": (User.Kind.BOT.value,)}


@dataclass(frozen=True)
class SourceFilter:
    """What a feed shows: every source (the default), a kind of source, or one automated account."""

    kind: str = ""  # "", "people", "feeds", "integrations", or "one" (``author``)
    author: User | None = None

    @property
    def value(self) -> str:
        """The filter as ``?source=`` writes it."""
        return f"@{self.author.handle}" if self.author is not None else self.kind

    @property
    def active(self) -> bool:
        return bool(self.kind)


EVERY_SOURCE = SourceFilter()


def parse_source(raw: str) -> SourceFilter:
    """The filter ``?source=`` asks for; an unknown value or an unknown automated account: a ValidationError."""
    raw = raw.strip()[:160]
    if not raw:
        return EVERY_SOURCE
    if raw in KINDS:
        return SourceFilter(kind=raw)
    if raw.startswith("@"):
        author = User.objects.filter(handle=raw[1:], kind__in=AUTOMATED).first()
        if author is not None:
            return SourceFilter(kind="one", author=author)
        raise ValidationError(_("No feed or integration is called %(name)s.") % {"name": raw})
    raise ValidationError(_("Show posts by people, feeds, integrations, or one feed or integration (@name)."))


def source_sql(source: SourceFilter) -> tuple[list[str], list[Any]]:
    """``source`` as SQL conditions on the post ``p`` and its author ``u``, with their parameters."""
    if source.author is not None:
        return ["p.author_id = %s"], [source.author.pk]
    kinds = KINDS.get(source.kind)
    if not kinds:
        return [], []
    return [f"u.kind IN ({', '.join(['%s'] * len(kinds))})"], list(kinds)


def mute_sql_by_id(reader_id: int, post_id: str) -> tuple[list[str], list[Any]]:
    """``mute_sql`` for a query that has not joined the posts: one condition on the column ``post_id`` (the home
    timeline's entries), whose sub-select starts from the reader's mutes — nothing to read for whoever has none."""
    mutes, posts, users = SourceMute._meta.db_table, Post._meta.db_table, User._meta.db_table
    condition = (
        f"NOT EXISTS (SELECT 1 FROM {mutes} m JOIN {posts} mp ON mp.id = {post_id} "  # noqa: S608 - names from meta
        f"JOIN {users} mu ON mu.id = mp.author_id WHERE m.user_id = %s "
        "AND (m.author_id = mp.author_id OR (m.space_id = mp.space_id AND mu.kind IN (%s, %s))))"
    )
    return [condition], [reader_id, *AUTOMATED]


def mute_sql(reader_id: int | None) -> tuple[list[str], list[Any]]:
    """The reader's mutes as one SQL condition on the post ``p`` and its author ``u`` (none for nobody)."""
    if reader_id is None:
        return [], []
    table = SourceMute._meta.db_table
    condition = (
        f"NOT EXISTS (SELECT 1 FROM {table} m WHERE m.user_id = %s "  # noqa: S608 - the model's table
        "AND (m.author_id = p.author_id OR (m.space_id = p.space_id AND u.kind IN (%s, %s))))"
    )
    return [condition], [reader_id, *AUTOMATED]


def source_q(source: SourceFilter) -> Q:
    """``source`` for the ORM's feeds (on ``Post``)."""
    if source.author is not None:
        return Q(author_id=source.author.pk)
    kinds = KINDS.get(source.kind)
    return Q(author__kind__in=kinds) if kinds else Q()


def mute_q(reader_id: int | None) -> Q:
    """The reader's mutes for the ORM's feeds (on ``Post``)."""
    if reader_id is None:
        return Q()
    by_author = SourceMute.objects.filter(user_id=reader_id, author_id=OuterRef("author_id"))
    by_space = SourceMute.objects.filter(user_id=reader_id, space_id=OuterRef("space_id"))  # automated ones only
    return ~Exists(by_author) & ~(Exists(by_space) & Q(author__kind__in=AUTOMATED))
