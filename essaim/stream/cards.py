"""Rendered post cards, shared across requests and viewers through the cache.

Rendering the cards was about three quarters of a feed page's CPU (bench/README.md): the
Django template engine resolving a few hundred variables per post. A card's HTML depends on
the post, its author, its files and preview comments (with theirs), and on a few facts about the viewer:
whether they wrote the post or a preview comment, whether they may delete it, which reactions
are theirs, their language and time zone. ``card_key`` hashes exactly those inputs, so two
viewers share a card only when it renders identically for both; any change to an input (an
edit, a new comment, a reaction, moderation, a renamed space, a new photo, the relative time
moving from "5 min" to "6 min") makes a new key, and the stale entry ages out of the cache.
Nothing has to invalidate anything, and the visibility check stays where it was: a card is
only ever drawn for a post the feed's selector returned. (A change made behind the services'
back — a post's HTML edited in the Django admin — shows once the entry expires, within a day.)

Two inputs vary per request and are left out of the key: the CSRF token and the page address
the reaction form comes back to. Cards are rendered with a marker in their place, replaced when
the page is assembled. The markers are derived from ``SECRET_KEY`` (``slots``): a fixed marker
could be typed into a post, whose readers would then each see their own token in its text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.template import Context, Engine
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from essaim.core.fragments import csrf_token, get_html, narrow, set_html, slots
from essaim.core.templatetags.essaim import reltime_bucket
from essaim.stream import kind_rows
from essaim.stream.models import Comment, Post

CARD_TEMPLATE = "stream/includes/post.html"
CARD_TIMEOUT = 24 * 3600
KEY_VERSION = 10  # 2: the audience says "Everyone in the company", images open in a lightbox; 3: comments' files;
# 4: "Report" on posts and comments; 5: kinds of posts; 6: events, questions and polls; 7: ideas, praise, must-read;
# 8: muting a feed or an integration, link previews; 9: content warnings, "Save"; 10: a link card's author (oEmbed)
# The template variables a card reads besides the post, with the value a page that does not
# give them has: every card is rendered and keyed with all three, so the same post drawn on the
# home feed and on its space's page (where only moderators get ``can_delete``) shares one entry.
FLAG_DEFAULTS = {"pinned": False, "can_delete": False, "detail": False}
# What a card may read of the page it is drawn on (besides the post, the flags and the two slots
# ``render_cards`` gives it), and of each such object the attributes: the viewer's id, which the key
# covers as ``viewer_id`` (whether they wrote the post or a preview comment), and the page's address,
# which the reactions' form falls back to when it has no ``next_url`` (a card always has: the slot,
# filled per request). Reading anything else of the page — another fact about the viewer, the
# request, the messages — needs a key input first: ``tests/stream/test_cards.py`` renders cards with
# the page's objects watched and fails otherwise.
PAGE_READS: dict[str, frozenset[str]] = {"user": frozenset({"pk"}), "request": frozenset({"get_full_path"})}


def _person(user: Any) -> tuple[Any, ...]:
    profile = getattr(user, "profile", None)
    photo = getattr(profile, "photo", None)
    return (
        user.pk,
        user.handle,
        user.first_name,
        user.last_name,
        user.is_guest,
        getattr(profile, "job_title", ""),
        str(photo or ""),
    )


def _files(owner: Any) -> list[tuple[Any, ...]]:
    """What a card shows of the files of a post or of a preview comment."""
    files = [*getattr(owner, "images", ()), *getattr(owner, "files", ())]
    return [(f.pk, f.is_image, f.original_name, f.alt_text, f.size) for f in files]


def _comment(comment: Comment, viewer_id: int | None, now: datetime) -> tuple[Any, ...]:
    return (
        comment.pk,
        comment.edited_at,
        comment.author_id == viewer_id,
        _person(comment.author),
        comment.created_at,
        reltime_bucket(comment.created_at, now),
        _files(comment),
        comment.spoiler_text,
        comment.sensitive,
    )


def _event(post: Post) -> tuple[Any, ...] | None:
    """What an event's card shows of its event (``calendar.selectors.attach_to_posts``) and of the reader's answer."""
    event = getattr(post, "calendar_event", None)
    if event is None:
        return None
    return (
        event.title,
        event.starts_at,
        event.ends_at,
        event.time_zone,
        event.all_day,
        event.place,
        event.video_url,
        event.capacity,
        event.going_count,
        event.maybe_count,
        event.waiting_count,
        event.cancelled_at,
        event.is_past,
        getattr(event, "my_answer", ""),
    )


def _link_card(post: Post) -> tuple[Any, ...] | None:
    """What the card of the post's link shows (``stream.link_previews``), and whether it is there at all."""
    card = getattr(post, "preview_card", None)
    if card is None:
        return None
    return (card.pk, card.fetched_at, card.title, card.description, card.site_name, card.author_name, bool(card.image))


def _surroundings(flags: dict[str, Any]) -> tuple[Any, ...]:
    """What every card of a request shares in its key: computed once per page, not per card."""
    return (
        get_language(),
        timezone.get_current_timezone_name(),
        sorted((name, bool(value)) for name, value in flags.items()),
    )


def card_key(
    post: Post,
    *,
    viewer_id: int | None,
    flags: dict[str, Any],
    surroundings: tuple[Any, ...] | None = None,
    now: datetime | None = None,
) -> str:
    """The cache key of ``post``'s card for this viewer: a digest of everything the card shows.

    ``surroundings`` (``_surroundings(flags)``) and ``now`` may be given once for a whole page.
    """
    now = now or timezone.now()
    space = post.space
    inputs = (
        KEY_VERSION,
        post.pk,
        post.edited_at,
        post.spoiler_text,
        post.sensitive,
        getattr(post, "bookmarked", False),
        post.visibility,
        (space.pk, space.name) if space is not None else None,
        post.hidden_at is not None,
        post.is_active_announcement,
        post.comment_count,
        sorted((post.reaction_counts or {}).items()),
        sorted(getattr(post, "my_reactions", ())),
        _files(post),
        _person(post.author),
        post.author_id == viewer_id,
        post.created_at,
        reltime_bucket(post.created_at, now),
        [_comment(c, viewer_id, now) for c in getattr(post, "preview_comments", ())],
        post.kind,
        getattr(post, "kind_key", None),  # what the kind's part of the card shows (``stream.kinds``)
        kind_rows.card_inputs(post),
        surroundings or _surroundings(flags),
        _event(post),
        _link_card(post),
    )
    return "essaim:card:" + hashlib.blake2b(repr(inputs).encode(), digest_size=16).hexdigest()


def render_cards(context: Context, posts: Sequence[Post], **flags: Any) -> SafeString:
    """The cards of ``posts`` (hydrated by a feed selector), from the cache where it has them.

    ``flags`` are the template variables a card reads besides the post (``pinned``,
    ``can_delete``, ``detail``); they are part of the key. One cache round trip per call.
    """
    return mark_safe("".join(card_list(context, posts, **flags)))  # noqa: S308 - see card_list


def card_list(context: Context, posts: Sequence[Post], **flags: Any) -> list[SafeString]:
    """``render_cards``, one card per post, in the order of ``posts``."""
    request = context["request"]
    user = context.get("user")
    viewer_id = getattr(user, "pk", None)
    flags = {**FLAG_DEFAULTS, **{name: bool(value) for name, value in flags.items()}}
    surroundings, now = _surroundings(flags), timezone.now()
    keys = [card_key(post, viewer_id=viewer_id, flags=flags, surroundings=surroundings, now=now) for post in posts]
    csrf_slot, next_slot = slots()
    cached = get_html(keys) if keys else {}
    rendered: dict[str, str] = {}
    if len(cached) < len(keys):
        template = Engine.get_default().get_template(CARD_TEMPLATE)
        for key, post in zip(keys, posts, strict=True):
            if key not in cached:
                with context.push(post=post, next_url=next_slot, csrf_token=csrf_slot, **flags):
                    rendered[key] = narrow(template.render(context))
        set_html(rendered, CARD_TIMEOUT)
    token, address = csrf_token(context), escape(request.get_full_path())
    return [
        mark_safe(  # noqa: S308 - cards are rendered by the autoescaping template; the slots are escaped here
            (cached.get(key) or rendered.get(key, "")).replace(csrf_slot, token).replace(next_slot, address)
        )
        for key in keys
    ]
