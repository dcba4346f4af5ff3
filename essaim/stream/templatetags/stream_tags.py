"""Helpers that keep a feed page cheap to render: one URL set per post, avatars and the reaction bar.

A feed page draws 20 posts with a dozen links each; ``{% url %}`` resolved the URL patterns
every time (about 360 ``reverse`` calls per page). ``essaim.core.links.fast_reverse`` gives
the same URLs from patterns reversed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django import template
from django.template import Context
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from essaim.core.links import fast_reverse
from essaim.core.templatetags.essaim import avatar_colour, initials
from essaim.stream import kinds
from essaim.stream.cards import render_cards
from essaim.stream.forms import PostForm
from essaim.stream.models import Comment, Emoji, Post

register = template.Library()


@register.simple_tag
def kind_composer_template(kind: str) -> str:
    """``{% kind_composer_template kind as name %}``: the include with ``kind``'s composer fields (``stream.kinds``)."""
    spec = kinds.kind_spec(kind)
    return spec.composer_template if spec is not None else ""


@register.filter
def kind_card_template(kind: str) -> str:
    """``post.kind|kind_card_template``: the include that draws ``kind``'s part of a card, or ``""``."""
    return kinds.card_template(kind)


@register.simple_tag
def new_post_form(space: Any = None, initial_body: str = "") -> PostForm:
    """``{% new_post_form space body as form %}``: an empty composer's form, into ``space`` (or not),
    its text starting with ``initial_body``. Used inside the composer's cached fragment, so it is
    only built when that fragment is rendered; the fragment's values (the page, the space, the
    initial text) are everything the form depends on."""
    return PostForm(space=space or None, initial={"body": initial_body} if initial_body else None)


@dataclass(frozen=True, slots=True)
class PostLinks:
    detail: str
    edit: str
    history: str
    delete: str
    comment: str
    react: str
    reactors: str
    author: str
    report: str
    bookmark: str


@register.simple_tag
def post_links(post: Post) -> PostLinks:
    """Every URL a post card links to, computed once per post: ``{% post_links post as links %}``."""

    def url(name: str) -> str:
        return fast_reverse(f"stream:{name}", "post_id", post.pk)

    return PostLinks(
        detail=url("post-detail"),
        edit=url("post-edit"),
        history=url("post-history"),
        delete=url("post-delete"),
        comment=url("comment-create"),
        react=url("reaction-toggle"),
        reactors=url("reactors"),
        author=fast_reverse("people:profile", "handle", post.author.handle),
        report=fast_reverse("moderation:report-post", "post_id", post.pk),
        bookmark=url("bookmark"),
    )


@register.simple_tag
def comment_links(comment: Comment) -> dict[str, str]:
    return {
        "author": fast_reverse("people:profile", "handle", comment.author.handle),
        "edit": fast_reverse("stream:comment-edit", "comment_id", comment.pk),
        "delete": fast_reverse("stream:comment-delete", "comment_id", comment.pk),
        "reply": fast_reverse("stream:comment-create", "post_id", comment.post_id),
        "report": fast_reverse("moderation:report-comment", "comment_id", comment.pk),
    }


@register.simple_tag(takes_context=True)
def post_cards(context: Context, posts: Sequence[Post], **flags: Any) -> SafeString:
    """The cards of a page of posts, shared through the cache (``essaim.stream.cards``)."""
    return render_cards(context, posts, **flags)


@register.simple_tag(takes_context=True)
def post_card(context: Context, post: Post, **flags: Any) -> SafeString:
    """One post's card, shared through the cache (``essaim.stream.cards``)."""
    return render_cards(context, [post], **flags)


@register.simple_tag
def attachment_url(attachment_id: int, thumbnail: bool = False) -> str:
    name = "stream:attachment-thumbnail" if thumbnail else "stream:attachment"
    return fast_reverse(name, "attachment_id", attachment_id)


@register.simple_tag
def avatar(person: object, size: str = "md") -> SafeString:
    """The same markup as ``includes/avatar.html``, without an include per person."""
    profile = getattr(person, "profile", None)
    photo = getattr(profile, "photo", None)
    if photo:
        return format_html(
            '<img class="avatar avatar--{}" src="{}" alt="" width="48" height="48" loading="lazy">', size, photo.url
        )
    return format_html(
        '<span class="avatar avatar--{} avatar--c{}" aria-hidden="true">{}</span>',
        size,
        avatar_colour(person),
        initials(person),
    )


@lru_cache(maxsize=16)
def _reaction_choices(language: str | None) -> tuple[tuple[str, str], ...]:
    """``(emoji, escaped label)`` in display order, for one language (labels are translated)."""
    return tuple((str(e.value), escape(str(e.label))) for e in Emoji)


@register.simple_tag
def reaction_buttons(post: Post) -> SafeString:
    """The six reaction buttons of one form (``name="emoji"``), pressed where the viewer reacted.

    Built with plain string joins: the emoji are fixed and the labels are escaped once per language.
    """
    counts = post.reaction_counts or {}
    mine: frozenset[str] = getattr(post, "my_reactions", frozenset())
    buttons = []
    for value, label in _reaction_choices(get_language()):
        pressed = value in mine
        count = int(counts.get(value, 0))
        buttons.append(
            f'<button type="submit" name="emoji" value="{value}" class="reaction{" is-mine" if pressed else ""}"'
            f' aria-pressed="{"true" if pressed else "false"}" title="{label}"><span aria-hidden="true">{value}</span>'
            f'<span class="visually-hidden">{label}</span>'
            + (f' <span class="reaction__count">{count}</span>' if count else "")
            + "</button>"
        )
    return mark_safe("\n".join(buttons))  # noqa: S308 - fixed emoji, escaped labels, integers
