"""Reads of the activity stream. Every one starts from ``access.visible``.

Feeds return a :class:`essaim.core.pagination.Page` of *hydrated* posts: each post carries

* ``post.author`` with ``author.profile`` (``select_related``) and ``post.space``;
* ``post.images`` / ``post.files``: its own attachments (looked up only for posts that have some);
* ``post.preview_comments``: its first top-level comments (``previews.PreviewComment``), with
  their ``images`` / ``files`` likewise;
* ``post.my_reactions``: the set of emoji the actor used on it;
* ``post.bookmarked``: whether the actor saved it (``Bookmark``).

Hydration costs a fixed number of queries whatever the page size (see ``hydrate``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim import access
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.core.ids import parse_id
from essaim.core.pagination import Cursor, Page, page_from_rows, paginate
from essaim.core.rows import ModelColumns, attach, database, fetch, placeholders, statement
from essaim.core.text import fold
from essaim.people.models import Profile
from essaim.people.selectors import person_suggestions_for
from essaim.stream import announcements, kind_rows, kinds, sources
from essaim.stream.models import (
    Attachment,
    Bookmark,
    Comment,
    Emoji,
    LinkPreview,
    Post,
    PostRevision,
    PostTag,
    Reaction,
    SourceMute,
    Tag,
    TagFollow,
    Visibility,
    checked_emoji,
)
from essaim.stream.post_rows import followed_tag_ids, home_page, posts_by_id
from essaim.stream.previews import PreviewComment, comment_previews
from essaim.stream.sources import EVERY_SOURCE, SourceFilter, mute_q, source_q

PINNED_MAX = 5
MAX_ID = (1 << 63) - 1


def _check_id(identifier: int) -> int:
    """Ids beyond 64 bits cannot exist: answer 404 before the database refuses the number."""
    if not 0 < identifier <= MAX_ID:
        raise Http404
    return identifier


TAG_CANDIDATES = 20  # names a tag suggestion looks at: type more to reach the others
TAG_RECENT_POSTS = 20  # newest posts of each in which it looks for one the reader may read
AUTOCOMPLETE_LIMIT = 8
MAX_KEPT = 20  # files the composer keeps from a refused try (the post itself takes 10)


def post_list_for(*, actor: Actor) -> QuerySet[Post]:
    """Every post ``actor`` may read, with author, profile and space loaded."""
    return access.visible(actor, Post.objects.select_related("author__profile", "space"))


def post_get_for(*, actor: Actor, post_id: int) -> Post:
    """The post with its author, profile and space, or 404 when it is missing or not visible to ``actor``.

    Read by id in SQL written once (``post_rows``), then decided by the policy's loaded-rows form
    (``access.visible_among``: no lookup at all for a company post read by an employee, one small
    one otherwise). The ORM took 1.5 ms to build its visibility filter for this one row, on every
    post page, reaction and comment (bench/README.md).
    """
    post = posts_by_id([_check_id(post_id)]).get(post_id)
    if post is None or not access.visible_among(actor, [post]):
        raise Http404
    return post


def post_unchecked(*, post_id: int) -> Post | None:
    """The post with its author, profile and space, whoever may read it, or None: for the consumers of
    events, which then decide for each person through ``access``. In SQL written once (``post_rows``)."""
    return posts_by_id([post_id]).get(post_id)


def comment_get_for(*, actor: Actor, comment_id: int) -> Comment:
    queryset = access.visible(actor, Comment.objects.select_related("post__author", "post__space", "author"))
    try:
        return queryset.get(pk=_check_id(comment_id))
    except Comment.DoesNotExist:
        raise Http404 from None


# --- hydration ----------------------------------------------------------------------------


def hydrate(*, actor: Actor, posts: Sequence[Post], with_comments: bool = True) -> list[Post]:
    """Load what a feed item shows, for all ``posts`` at once: at most 5 queries (files, comments, the
    comments' files, my reactions, link cards).

    Plain ``filter(post_id__in=…)`` queries grouped in Python: cheaper than the prefetch machinery.
    The denormalised counters say which posts have files, comments or reactions, so those queries
    only ask about them, and are skipped when no post has any. ``with_comments=False`` leaves the
    comment previews out (the JSON API does not show them): ``post.preview_comments`` is empty.
    """
    posts = list(posts)
    if not posts:
        return posts
    attachments: dict[int | None, list[Attachment]] = defaultdict(list)
    with_files = [p.pk for p in posts if p.attachment_count]
    if with_files:
        for attachment in Attachment.objects.filter(post_id__in=with_files, comment__isnull=True).order_by("id"):
            attachments[attachment.post_id].append(attachment)
    comments: dict[int, list[PreviewComment]] = defaultdict(list)
    commented = [p.pk for p in posts if p.comment_count] if with_comments else []
    previews = comment_previews(commented)
    files_of = comment_files([c.pk for c in previews if c.attachment_count])
    for comment in previews:
        comments[comment.post_id].append(
            comment.with_files(files_of[comment.pk]) if comment.attachment_count else comment
        )
    mine: dict[int, set[str]] = defaultdict(set)
    saved: set[int] = set()
    reacted = [p.pk for p in posts if p.reaction_counts]
    bookmarked = [p.pk for p in posts if p.bookmark_count]  # saved by someone: perhaps by the reader
    if (reacted or bookmarked) and actor is not None and actor.is_authenticated:
        for post_id, emoji in _my_marks(actor.pk, reacted, bookmarked):
            if emoji:
                mine[post_id].add(emoji)
            else:
                saved.add(post_id)
    with_cards = {p.link_preview_id for p in posts if p.link_preview_id}  # ``link_previews``: few posts have one
    cards = LinkPreview.objects.in_bulk(with_cards) if with_cards else {}
    for post in posts:
        post.preview_card = cards.get(post.link_preview_id)  # type: ignore[attr-defined]  # hydrated for templates
        files = attachments.get(post.pk, [])
        post.images = [a for a in files if a.is_image]  # type: ignore[attr-defined]  # hydrated for templates
        post.files = [a for a in files if not a.is_image]  # type: ignore[attr-defined]  # hydrated for templates
        post.preview_comments = comments.get(post.pk, [])  # type: ignore[attr-defined]  # hydrated for templates
        post.my_reactions = frozenset(mine.get(post.pk, set()))  # type: ignore[attr-defined]  # hydrated for templates
        post.bookmarked = post.pk in saved  # type: ignore[attr-defined]  # hydrated for templates
    kinds.hydrate(actor=actor, posts=posts)  # a question's, a poll's… rows: one query per kind on the page
    kind_rows.attach(actor, posts)  # ideas, praise, must-read: one query each, only for the posts that have them
    return posts


def _my_marks(user_id: int, reacted: Sequence[int], saved: Sequence[int]) -> list[tuple[int, str]]:
    """``(post id, emoji)`` of ``user_id``'s reactions to ``reacted``, and ``(post id, "")`` for those of ``saved``
    they saved: one query for both, on every feed page, so written in SQL (over the ``(user, post)`` indexes)
    rather than built by the ORM each time. A page where nobody saved anything asks as it did before saves."""
    parts: list[str] = []
    params: list[int] = []
    if reacted:
        parts.append(
            f"SELECT post_id, emoji FROM {Reaction._meta.db_table} "  # noqa: S608 - the table from the model's meta
            f"WHERE user_id = %s AND post_id IN ({placeholders(len(reacted))})"
        )
        params += [user_id, *reacted]
    if saved:
        parts.append(
            f"SELECT post_id, '' FROM {Bookmark._meta.db_table} "  # noqa: S608 - the table from the model's meta
            f"WHERE user_id = %s AND post_id IN ({placeholders(len(saved))})"
        )
        params += [user_id, *saved]
    return fetch(" UNION ALL ".join(parts), params)


def _hydrated_page(actor: Actor, page: Page[Post]) -> Page[Post]:
    return Page(
        items=hydrate(actor=actor, posts=page.items), next_max_id=page.next_max_id, prev_min_id=page.prev_min_id
    )


# --- feeds --------------------------------------------------------------------------------


def announcement_list_for(*, actor: Actor) -> list[Post]:
    """Active announcements ``actor`` may read, newest first (not hydrated)."""
    queryset = post_list_for(actor=actor).filter(is_announcement=True, announcement_expires_at__gt=timezone.now())
    return list(queryset.order_by("-id")[:PINNED_MAX])


def feed_home(
    *,
    actor: Actor,
    cursor: Cursor,
    with_announcements: bool = True,
    with_comments: bool = True,
    source: SourceFilter = EVERY_SOURCE,
) -> tuple[list[Post], Page[Post]]:
    """``(pinned announcements, page)`` of ``actor``'s home feed: the materialised timeline merged
    with the posts of the tags ``actor`` follows (``timelines`` says why those are read, not delivered).

    The page comes with its posts in one query (an index range scan per source, then each post
    by primary key); the posts are re-checked with ``access.visible_among`` so a deleted or no
    longer visible post never shows. Pinned announcements come only with the first page and are
    left out of the page itself. A fixed number of queries whatever the page size: the followed
    tags (only for those who may follow tags: a guest reads no company-wide post and gets their
    spaces' posts delivered), the page's posts, active announcement ids, the announcements not on
    the page (only when there are some), up to three for the visibility rule (the reader's roles
    in the page's spaces, follows, mentions — each only when the page needs it), files, comments,
    reactions.
    """
    # The page joined to its posts, authors and spaces: one query (``post_rows``).
    tag_ids = followed_tag_ids(actor.pk) if access.can(actor, access.Action.FOLLOW_TAG) else []
    rows = home_page(owner_id=actor.pk, tag_ids=tag_ids, cursor=cursor, source=source)
    page_rows = page_from_rows(rows, cursor)
    with_pins = with_announcements and cursor.is_first_page
    loaded = {p.pk: p for p in page_rows.items}
    if with_pins:
        # The active announcements' ids (from their small partial index, shared for a few seconds
        # through the cache: ``announcements``); those not on the page are loaded by id.
        active_ids = announcements.active_ids()
        loaded |= posts_by_id([i for i in active_ids if i not in loaded])
    # The visibility rule decided on the loaded rows (``access.visible_among``): the SQL form of
    # the rule cost twice as much to build as the query itself.
    found = access.visible_among(actor, list(loaded.values()))
    pinned = sorted((p for p in found if with_pins and p.is_active_announcement), key=lambda p: -p.pk)[:PINNED_MAX]
    pinned_ids = {p.pk for p in pinned}
    by_id = {p.pk: p for p in found}
    items = [by_id[p.pk] for p in page_rows.items if p.pk in by_id and p.pk not in pinned_ids]
    hydrated = hydrate(actor=actor, posts=pinned + items, with_comments=with_comments)
    page = Page(items=hydrated[len(pinned) :], next_max_id=page_rows.next_max_id, prev_min_id=page_rows.prev_min_id)
    # A must-read announcement its reader confirmed is pinned no more (``mustread.cards``).
    return [p for p in hydrated[: len(pinned)] if not getattr(p, "pin_done", False)], page


def _sourced(actor: Actor, queryset: QuerySet[Post], source: SourceFilter) -> QuerySet[Post]:
    """``queryset`` without ``actor``'s muted sources, filtered by ``source`` (``stream.sources``): in its SQL."""
    reader_id = actor.pk if actor is not None and actor.is_authenticated else None
    return queryset.filter(source_q(source), mute_q(reader_id))


def feed_company(*, actor: Actor, cursor: Cursor, source: SourceFilter = EVERY_SOURCE) -> Page[Post]:
    """Company-wide posts (outside spaces), newest first."""
    queryset = post_list_for(actor=actor).filter(space__isnull=True, visibility=Visibility.COMPANY)
    return _hydrated_page(actor, paginate(_sourced(actor, queryset, source), cursor))


def feed_tag(*, actor: Actor, tag: Tag, cursor: Cursor, source: SourceFilter = EVERY_SOURCE) -> Page[Post]:
    """Posts carrying ``#tag`` that ``actor`` may read."""
    tagged = PostTag.objects.filter(tag=tag).values("post_id")
    queryset = post_list_for(actor=actor).filter(pk__in=tagged)
    return _hydrated_page(actor, paginate(_sourced(actor, queryset, source), cursor))


def feed_profile(*, actor: Actor, person: User, cursor: Cursor) -> Page[Post]:
    """Posts written by ``person`` that ``actor`` may read (a muted source's too: one asked for its page)."""
    queryset = post_list_for(actor=actor).filter(author=person)
    return _hydrated_page(actor, paginate(queryset, cursor))


def bookmark_page_for(*, actor: Actor, cursor: Cursor) -> Page[Post]:
    """``actor``'s saved posts they may still read, newest saved first, hydrated. The page's cursor is the saves'
    ids (``max_id``/``min_id`` name a save, as Mastodon's bookmarks do), each post carrying ``bookmark_id``."""
    saves = access.visible(actor, Bookmark.objects.filter(user_id=actor.pk)).select_related(
        "post__author__profile", "post__space"
    )
    page = paginate(saves, cursor)
    posts = []
    for save in page.items:
        post = save.post
        post.bookmark_id = save.pk  # type: ignore[attr-defined]  # the cursor of the page
        posts.append(post)
    return _hydrated_page(actor, Page(items=posts, next_max_id=page.next_max_id, prev_min_id=page.prev_min_id))


# --- one post -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Thread:
    comment: Comment
    replies: list[Comment]


def comment_threads_for(*, actor: Actor, post: Post) -> list[Thread]:
    """All comments of a visible post as two-level threads, oldest first, with their files (one query, and
    one more when a comment has files: ``hydrate_comments``).

    A comment is visible with its post (``CommentPolicy``): the post is checked once, rather
    than the post's rule joined into the comments' query.
    """
    access.require(actor, access.Action.VIEW, post)
    comments = hydrate_comments(
        list(Comment.objects.filter(post=post).select_related("author__profile").order_by("id"))
    )
    replies: dict[int, list[Comment]] = defaultdict(list)
    for c in comments:
        if c.parent_id is not None:
            replies[c.parent_id].append(c)
    threads = [Thread(comment=c, replies=replies.get(c.pk, [])) for c in comments if c.parent_id is None]
    # A question's answers: the accepted one first, then by votes, each with its votes (``stream.kinds``).
    return kinds.arrange_threads(actor=actor, post=post, threads=threads) if post.kind != "post" else threads


def comment_files(comment_ids: Sequence[int]) -> dict[int, list[Attachment]]:
    """The files of each of ``comment_ids`` (comments already known to be readable), in the order they were
    attached: one query, none without ids."""
    found: dict[int, list[Attachment]] = defaultdict(list)
    if comment_ids:
        for attachment in Attachment.objects.filter(comment_id__in=comment_ids).order_by("id"):
            assert attachment.comment_id is not None
            found[attachment.comment_id].append(attachment)
    return found


def hydrate_comments(comments: list[Comment]) -> list[Comment]:
    """Give each of ``comments`` (readable ones) its ``images`` and ``files``, as ``hydrate`` gives posts:
    one query, only when one of them has files (``Comment.attachment_count``)."""
    files_of = comment_files([c.pk for c in comments if c.attachment_count])
    for comment in comments:
        files = files_of.get(comment.pk, [])
        comment.images = [a for a in files if a.is_image]  # type: ignore[attr-defined]  # hydrated for templates
        comment.files = [a for a in files if not a.is_image]  # type: ignore[attr-defined]  # hydrated for templates
    return comments


def attachment_get_for(*, actor: Actor, attachment_id: int) -> Attachment:
    """A file of a post ``actor`` may read (checked again at every download), or 404."""
    try:
        return access.visible(actor, Attachment.objects.select_related("post")).get(pk=_check_id(attachment_id))
    except Attachment.DoesNotExist:
        raise Http404 from None


def attachment_list_for(*, actor: Actor, post: Post) -> list[Attachment]:
    """The files of a visible post (not its comments'), images first, each in the order it was attached."""
    access.require(actor, access.Action.VIEW, post)
    return sorted(post.attachments.filter(comment__isnull=True), key=lambda a: (not a.is_image, a.pk))


def media_kept_for(*, actor: Actor, ids: Sequence[str]) -> list[Attachment]:
    """``actor``'s uploads still waiting for a post among ``ids`` (what the composer kept from a refused
    try), in the order asked; ids that are not (or no longer) such uploads are left out."""
    wanted = [i for i in (parse_id(raw) for raw in ids[:MAX_KEPT]) if i is not None]
    if not wanted or not actor.is_authenticated:
        return []
    mine = Attachment.objects.filter(
        pk__in=wanted, post__isnull=True, scheduled_post__isnull=True, uploaded_by=actor.pk
    )
    found = {a.pk: a for a in access.visible(actor, mine)}
    return [found[i] for i in dict.fromkeys(wanted) if i in found]


def media_pending_for(*, actor: Actor, ids: Sequence[str | int]) -> list[Attachment]:
    """``actor``'s uploads still waiting for a post, in the order asked; an unknown id is a ValidationError."""
    try:
        wanted = [_check_id(int(i)) for i in ids]
    except (TypeError, ValueError, Http404):
        raise ValidationError({"media_ids": _("These media ids are not valid.")}) from None
    found = {
        a.pk: a
        for a in access.visible(
            actor,
            Attachment.objects.filter(
                pk__in=wanted, post__isnull=True, scheduled_post__isnull=True, uploaded_by=actor.pk
            ),
        )
    }
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise ValidationError(
            {"media_ids": _("These media are not your pending uploads: %(ids)s.") % {"ids": ", ".join(missing)}}
        )
    return [found[i] for i in wanted]


def my_reactions_on(*, actor: Actor, post: Post) -> set[str]:
    """The emoji ``actor`` used on ``post`` (SQL written once: the answer to every reaction reads it)."""
    return {emoji for (emoji,) in fetch(_MY_REACTIONS_SQL, [post.pk, actor.pk])}


_MY_REACTIONS_SQL = f"SELECT emoji FROM {Reaction._meta.db_table} WHERE post_id = %s AND user_id = %s"  # noqa: S608


# People shown per reaction in a summary; everyone, page by page, with ``reactors_for``.
REACTORS_SHOWN = 8


@dataclass(frozen=True)
class ReactionSummary:
    """One reaction of the fixed set on a post, as its summary shows it."""

    emoji: str
    label: str
    count: int
    me: bool  # whether the reader used it
    people: list[User]  # the latest ``REACTORS_SHOWN`` who did

    @property
    def more(self) -> bool:
        return self.count > len(self.people)


def reaction_summary_for(*, actor: Actor, post: Post) -> list[ReactionSummary]:
    """Each reaction of the fixed set on a visible post, in the set's order: its count (kept on the
    post by the reaction services), whether ``actor`` used it, and the latest ``REACTORS_SHOWN``
    people who did. Two queries, whatever the number of reactions.

    It listed everyone: the answer to a click grew with the post's popularity (287 people on the
    benchmark's most reacted posts, and thousands on a CEO's). ``reactors_for`` pages the rest.
    A reaction is visible with its post (``FollowsPostPolicy``): the post is checked once.
    """
    access.require(actor, access.Action.VIEW, post)
    db = database()
    people: dict[str, list[User]] = defaultdict(list)
    for row in fetch(_latest_reactors_sql(), [post.pk, REACTORS_SHOWN]):
        user = _REACTOR.build(row, 1, db)
        assert user is not None
        attach(user, "profile", _REACTOR_PROFILE.build(row, 1 + _REACTOR.width, db))
        people[row[0]].append(user)
    mine = my_reactions_on(actor=actor, post=post)
    counts = post.reaction_counts or {}
    return [
        ReactionSummary(
            emoji=emoji.value,
            label=str(emoji.label),
            count=int(counts.get(emoji.value, 0)),
            me=emoji.value in mine,
            people=people.get(emoji.value, []),
        )
        for emoji in Emoji
    ]


# What an account in the answer shows (``people.schemas.account_data`` without the organisation).
_REACTOR = ModelColumns(User, "u", only=("handle", "first_name", "last_name", "kind", "date_joined"))
_REACTOR_PROFILE = ModelColumns(Profile, "p", only=("user", "photo", "job_title", "bio"))


@statement
def _latest_reactors_sql(db: BaseDatabaseWrapper) -> str:
    """The latest ``REACTORS_SHOWN`` people of each reaction on a post, latest first, with their profiles:
    what the ORM's window query gave (``ROW_NUMBER`` per emoji), in SQL written once — the ORM took
    longer to build it and its instances than a reaction's write (issue 17 item 12)."""
    return (
        f"SELECT r.emoji, {_REACTOR.select(db)}, {_REACTOR_PROFILE.select(db)} FROM ("  # noqa: S608 - names from the models' meta
        "SELECT id, emoji, user_id, ROW_NUMBER() OVER (PARTITION BY emoji ORDER BY id DESC) AS latest "
        f"FROM {Reaction._meta.db_table} WHERE post_id = %s) r "
        f"JOIN {User._meta.db_table} u ON u.id = r.user_id "
        f"LEFT JOIN {Profile._meta.db_table} p ON p.user_id = u.id "
        "WHERE r.latest <= %s ORDER BY r.id DESC"
    )


def reactors_for(*, actor: Actor, post: Post, emoji: str, cursor: Cursor) -> Page[User]:
    """Everyone who reacted to a visible post with ``emoji``, latest first, paged by reaction id."""
    access.require(actor, access.Action.VIEW, post)
    checked_emoji(emoji)
    page = paginate(Reaction.objects.filter(post=post, emoji=emoji).select_related("user__profile"), cursor)
    return Page(
        items=[reaction.user for reaction in page.items], next_max_id=page.next_max_id, prev_min_id=page.prev_min_id
    )


def revision_list_for(*, actor: Actor, post: Post) -> list[PostRevision]:
    """Previous versions of a visible post, newest first."""
    access.require(actor, access.Action.VIEW, post)
    return list(PostRevision.objects.filter(post=post))


# --- tags and people for the composer -----------------------------------------------------


def tag_get_for(*, actor: Actor, name: str) -> Tag:
    """The tag by its (folded) name, or 404."""
    try:
        return access.visible(actor, Tag.objects.all()).get(folded=fold(name.lstrip("#")))
    except Tag.DoesNotExist:
        raise Http404 from None


def tag_followed_get(*, actor: Actor, name: str) -> Tag:
    """A tag ``actor`` follows, by name, whether or not they may see a post of it (to stop following
    one they followed before anyone used it), or 404."""
    tag = Tag.objects.filter(folded=fold(name.lstrip("#")), follows__user_id=actor.pk).first()
    if tag is None:
        raise Http404
    return tag


def tag_is_followed(*, actor: Actor, tag: Tag) -> bool:
    return TagFollow.objects.filter(user_id=actor.pk, tag=tag).exists()


def tag_suggestions_for(*, actor: Actor, query: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[Tag]:
    """Tags whose folded name starts with ``query`` and that ``actor`` has a recent post of to read.

    Asked at every key typed, so its work is bounded: the first ``TAG_CANDIDATES`` names in order, each
    kept if one of its ``TAG_RECENT_POSTS`` newest posts is readable (the posts' rule, ``access.visible``,
    over the ``(tag, post)`` index). The exact rule (any post: ``access.visible`` on tags) decides a tag
    page; here it read every post of a name used 10,000 times in a secret space at each key typed
    (44 ms against 11 ms, SQLite, on a test machine loaded 7 times over). One query.
    """
    prefix = fold(query.lstrip("#"))
    if not prefix:
        return []
    newest = PostTag.objects.filter(tag_id=OuterRef(OuterRef("pk"))).order_by("-post_id").values("post_id")
    readable = access.visible(actor, Post.objects.filter(pk__in=newest[:TAG_RECENT_POSTS]))
    candidates = Tag.objects.filter(folded__startswith=prefix).order_by("folded").values("pk")[:TAG_CANDIDATES]
    return list(Tag.objects.filter(pk__in=candidates).filter(Exists(readable)).order_by("folded")[:limit])


def mention_suggestions_for(*, actor: Actor, query: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[Profile]:
    """People ``actor`` may see and mention, for ``@query`` (accent-insensitive), closest first: the exact
    handle, then names and handles that start with it, colleagues ``actor`` follows or works with first
    (``people.selectors.person_suggestions_for``)."""
    return person_suggestions_for(actor=actor, query=query.lstrip("@"), limit=limit)


# --- muted sources ------------------------------------------------------------------------


def source_mute_list_for(*, actor: Actor) -> list[SourceMute]:
    """``actor``'s muted sources, newest first, with their account or space."""
    queryset = SourceMute.objects.select_related("author", "space").order_by("-created_at", "-pk")
    return list(access.visible(actor, queryset))


def source_mute_get_for(*, actor: Actor, mute_id: int) -> SourceMute:
    try:
        return access.visible(actor, SourceMute.objects.all()).get(pk=_check_id(mute_id))
    except SourceMute.DoesNotExist:
        raise Http404 from None


def automated_author_get(*, handle: str) -> User:
    """The feed's or integration's account called ``handle`` (what a card offers to mute), or 404."""
    author = User.objects.filter(handle=handle, kind__in=sources.AUTOMATED).first()
    if author is None:
        raise Http404
    return author


# --- link previews ------------------------------------------------------------------------


def link_preview_get_for(*, actor: Actor, preview_id: int) -> LinkPreview:
    """A link card shown on a post ``actor`` may read, or 404 (one that only unreadable posts show is unknown)."""
    shown_on = access.visible(actor, Post.objects.filter(link_preview_id=_check_id(preview_id)))
    preview = LinkPreview.objects.filter(pk=preview_id, found=True).first()
    if preview is None or not shown_on.exists():
        raise Http404
    return preview
