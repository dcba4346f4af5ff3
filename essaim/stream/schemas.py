"""Mastodon's Status, MediaAttachment, Context, StatusEdit and Tag entities, and Essaim's reactions
and announcements.

A post is a Status; a comment is a Status too, whose ``in_reply_to_id`` is its parent comment or
its post. Essaim's visibilities map to Mastodon's: company → ``public``, followers →
``private``, mentioned → ``direct``. A 👍 reaction is Mastodon's favourite. Accounts embedded
in statuses carry zero counts (fetch ``/api/v1/accounts/:id`` for them) so that a timeline
page costs a fixed number of queries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest
from ninja import Schema
from pydantic import Field

from essaim.accounts.models import User
from essaim.core.downloads import signed_query
from essaim.core.http import absolute_url, site_root
from essaim.core.links import fast_reverse
from essaim.people.schemas import Account, account_data
from essaim.polls.schemas import PollEntity
from essaim.questions.schemas import QuestionEntity
from essaim.stream import kinds
from essaim.stream.models import Attachment, Comment, Emoji, LinkPreview, Post, PostRevision, Tag, Visibility

FAVOURITE = Emoji.THUMBS_UP.value
TO_MASTODON = {Visibility.COMPANY: "public", Visibility.FOLLOWERS: "private", Visibility.MENTIONED: "direct"}
FROM_MASTODON = {
    "public": Visibility.COMPANY,
    "unlisted": Visibility.COMPANY,
    "private": Visibility.FOLLOWERS,
    "direct": Visibility.MENTIONED,
}


class MediaAttachment(Schema):
    id: str
    type: str
    url: str
    preview_url: str | None
    remote_url: str | None
    meta: dict[str, Any] | None
    description: str | None
    blurhash: str | None


class StatusTag(Schema):
    name: str
    url: str


class StatusMention(Schema):
    id: str
    username: str
    url: str
    acct: str


class StatusReaction(Schema):
    name: str
    count: int
    me: bool


class PreviewCard(Schema):
    """Mastodon's PreviewCard: the card of the post's first link (``stream.link_previews``); ``image`` is served by
    Essaim (re-encoded), never the linked site's address."""

    url: str
    title: str
    description: str
    type: str
    author_name: str
    author_url: str
    provider_name: str
    provider_url: str
    html: str
    width: int
    height: int
    image: str | None
    image_description: str
    embed_url: str
    blurhash: str | None


class Status(Schema):
    id: str
    uri: str
    url: str
    created_at: datetime
    edited_at: datetime | None
    account: Account
    content: str
    text: str | None
    visibility: str
    sensitive: bool
    spoiler_text: str
    media_attachments: list[MediaAttachment]
    application: dict[str, Any] | None
    mentions: list[StatusMention]
    tags: list[StatusTag]
    emojis: list[Any]
    reblogs_count: int
    favourites_count: int
    replies_count: int
    in_reply_to_id: str | None
    in_reply_to_account_id: str | None
    reblog: None
    poll: PollEntity | None
    card: PreviewCard | None
    language: str | None
    favourited: bool
    reblogged: bool
    muted: bool
    bookmarked: bool
    pinned: bool
    filtered: list[Any]
    reactions: list[StatusReaction]
    space_id: str | None  # Essaim: the space the post (or a comment's post) is in; its members and readers see it
    kind: str  # Essaim: post, question, poll… (``PostKind``); a comment's is "comment"
    question: QuestionEntity | None  # Essaim: a question's state


class Context(Schema):
    ancestors: list[Status]
    descendants: list[Status]


class StatusEdit(Schema):
    content: str
    spoiler_text: str
    sensitive: bool
    created_at: datetime
    account: Account
    poll: None
    media_attachments: list[MediaAttachment]
    emojis: list[Any]


class TagEntity(Schema):
    id: str
    name: str
    url: str
    history: list[Any]
    following: bool


class ReactionGroup(Schema):
    emoji: str
    label: str
    count: int
    me: bool
    accounts: list[Account] = Field(
        description="The latest people who reacted (8 at most); everyone from "
        "``/api/v1/essaim/statuses/{id}/reactions/{emoji}/accounts``."
    )


class Announcement(Schema):
    id: str
    status: Status
    expires_at: datetime | None


def embedded_account(request: HttpRequest, user: User) -> dict[str, Any]:
    """The author's Account, built once per request and person (a timeline page repeats authors)."""
    cache: dict[int, dict[str, Any]] = request.__dict__.setdefault("_essaim_accounts", {})
    if user.pk not in cache:
        cache[user.pk] = account_data(request, user, with_org=False)
    return cache[user.pk]


def media_data(request: HttpRequest, attachment: Attachment) -> dict[str, Any]:
    reader = getattr(request.user, "pk", None)
    url = absolute_url(request, fast_reverse("stream:attachment", "attachment_id", attachment.pk))
    preview = (
        absolute_url(request, fast_reverse("stream:attachment-thumbnail", "attachment_id", attachment.pk))
        if attachment.is_image
        else None
    )
    if reader is not None:  # addresses an app's <img> can load without a token (``core.downloads``)
        url += signed_query(kind="attachment", object_id=attachment.pk, user_id=reader)
        if preview is not None:
            preview += signed_query(kind="attachment-thumbnail", object_id=attachment.pk, user_id=reader)
    meta = (
        {"original": {"width": attachment.width, "height": attachment.height}}
        if attachment.is_image and attachment.width and attachment.height
        else None
    )
    return {
        "id": str(attachment.pk),
        "type": "image" if attachment.is_image else "unknown",
        "url": url,
        "preview_url": preview,
        "remote_url": None,
        "meta": meta,
        "description": attachment.alt_text or None,
        "blurhash": None,
    }


def _absolute(request: HttpRequest, html: str) -> str:
    """Relative links in rendered bodies (mentions, tags) made absolute, as Mastodon clients expect."""
    return html.replace('href="/', f'href="{site_root(request)}/')


EMOJIS = tuple(e.value for e in Emoji)  # an enum member's ``value`` is a property: read once


def _reactions(counts: dict[str, Any], mine: Iterable[str]) -> list[dict[str, Any]]:
    used: set[str] = set(mine)
    return [
        {"name": emoji, "count": int(counts.get(emoji, 0)), "me": emoji in used}
        for emoji in EMOJIS
        if counts.get(emoji) or emoji in used
    ]


def _base(request: HttpRequest, *, author: User, url: str) -> dict[str, Any]:
    return {
        "uri": url,
        "url": url,
        "account": embedded_account(request, author),
        "sensitive": False,
        "spoiler_text": "",
        "application": None,
        "mentions": [],
        "tags": [],
        "emojis": [],
        "reblogs_count": 0,
        "reblog": None,
        "poll": None,
        "question": None,
        "card": None,
        "language": None,
        "reblogged": False,
        "muted": False,
        "bookmarked": False,
        "filtered": [],
    }


def status_from_post(request: HttpRequest, post: Post, *, with_source: bool = False) -> dict[str, Any]:
    """A post as a Status. Hydrated posts (``my_reactions``) give ``favourited`` without a query."""
    url = site_root(request) + fast_reverse("stream:post-detail", "post_id", post.pk)
    counts = post.reaction_counts or {}
    mine: frozenset[str] = getattr(post, "my_reactions", frozenset())
    files = getattr(post, "images", None)
    attachments = (
        [*files, *getattr(post, "files", [])]
        if files is not None
        else list(post.attachments.filter(comment__isnull=True))  # its own, not its comments'
    )
    return {
        **_base(request, author=post.author, url=url),
        "id": str(post.pk),
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "sensitive": post.sensitive,
        "spoiler_text": post.spoiler_text,
        "bookmarked": getattr(post, "bookmarked", False),
        "content": _absolute(request, post.body_html),
        "text": post.body if with_source else None,
        "visibility": TO_MASTODON.get(Visibility(post.visibility), "public"),
        "media_attachments": [media_data(request, a) for a in attachments],
        "favourites_count": int(counts.get(FAVOURITE, 0)),
        "replies_count": post.comment_count,
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "favourited": FAVOURITE in mine,
        "pinned": post.is_active_announcement,
        "reactions": _reactions(counts, mine),
        "space_id": str(post.space_id) if post.space_id is not None else None,
        "kind": post.kind,
        "card": card_data(request, getattr(post, "preview_card", None)),
        **(kinds.status_fields(post) if post.kind != "post" else {}),  # a poll's ``poll``, a question's…
    }


def card_data(request: HttpRequest, card: LinkPreview | None) -> dict[str, Any] | None:
    """A hydrated post's link card (``selectors.hydrate``) as Mastodon's PreviewCard, or None."""
    if card is None:
        return None
    image = None
    if card.image:
        image = absolute_url(request, fast_reverse("stream:link-preview-image", "preview_id", card.pk))
        reader = getattr(request.user, "pk", None)
        if reader is not None:  # an app's <img> sends no token (``core.downloads``)
            image += signed_query(kind="link-preview", object_id=card.pk, user_id=reader)
    site = urlsplit(card.url)
    return {
        "url": card.url,
        "title": card.title,
        "description": card.description,
        "type": "link",
        "author_name": card.author_name,
        "author_url": "",
        "provider_name": card.site_name,
        "provider_url": f"{site.scheme}://{site.netloc}" if site.netloc else "",
        "html": "",
        "width": card.image_width or 0,
        "height": card.image_height or 0,
        "image": image,
        "image_description": "",
        "embed_url": "",
        "blurhash": None,
    }


def status_from_comment(
    request: HttpRequest, comment: Comment, *, post: Post, parent: Comment | None = None, with_source: bool = False
) -> dict[str, Any]:
    """A comment as a Status replying to its parent comment, or to its post. Hydrated comments
    (``selectors.hydrate_comments``) give their files without a query, as does a comment without any."""
    url = request.build_absolute_uri(f"{post.get_absolute_url()}#comment-{comment.pk}")
    reply_to = parent if parent is not None else None
    images = getattr(comment, "images", None)
    if images is not None:
        attachments = [*images, *getattr(comment, "files", [])]
    else:
        attachments = list(comment.attachments.all()) if comment.attachment_count else []
    return {
        **_base(request, author=comment.author, url=url),
        "id": str(comment.pk),
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "sensitive": comment.sensitive,
        "spoiler_text": comment.spoiler_text,
        "content": _absolute(request, comment.body_html),
        "text": comment.body if with_source else None,
        "visibility": TO_MASTODON.get(Visibility(post.visibility), "public"),
        "media_attachments": [media_data(request, a) for a in attachments],
        "favourites_count": 0,
        "replies_count": 0,
        "in_reply_to_id": str(reply_to.pk if reply_to is not None else post.pk),
        "in_reply_to_account_id": str(reply_to.author_id if reply_to is not None else post.author_id),
        "favourited": False,
        "pinned": False,
        "reactions": [],
        "space_id": str(post.space_id) if post.space_id is not None else None,
        "kind": "comment",
    }


def edit_data(
    request: HttpRequest,
    *,
    author: User,
    body_html: str,
    created_at: datetime,
    spoiler_text: str = "",
    sensitive: bool = False,
) -> dict[str, Any]:
    return {
        "content": _absolute(request, body_html),
        "spoiler_text": spoiler_text,
        "sensitive": sensitive,
        "created_at": created_at,
        "account": embedded_account(request, author),
        "poll": None,
        "media_attachments": [],
        "emojis": [],
    }


def history_data(request: HttpRequest, post: Post, revisions: list[PostRevision]) -> list[dict[str, Any]]:
    """Mastodon's edit history: every version oldest first, the current one last."""
    versions = [
        edit_data(
            request,
            author=post.author,
            body_html=r.body_html,
            created_at=r.created_at,
            spoiler_text=r.spoiler_text,
            sensitive=r.sensitive,
        )
        for r in sorted(revisions, key=lambda r: (r.replaced_at, r.pk))
    ]
    versions.append(
        edit_data(
            request,
            author=post.author,
            body_html=post.body_html,
            created_at=post.edited_at or post.created_at,
            spoiler_text=post.spoiler_text,
            sensitive=post.sensitive,
        )
    )
    return versions


def tag_id(folded: str) -> str:
    """A tag's id in the API: digits (as Mastodon's) from its folded name alone, so that it tells
    nothing of when, or whether, someone wrote the tag before (a row's id would)."""
    return str(int.from_bytes(hashlib.sha256(folded.encode()).digest()[:7], "big"))


def tag_data(request: HttpRequest, tag: Tag, *, following: bool, name: str | None = None) -> dict[str, Any]:
    """Mastodon's Tag; ``name`` replaces the tag's own where the reader may not know it (a follow by name)."""
    return {
        "id": tag_id(tag.folded),
        "name": tag.name if name is None else name,
        "url": request.build_absolute_uri(tag.get_absolute_url()),
        "history": [],
        "following": following,
    }
