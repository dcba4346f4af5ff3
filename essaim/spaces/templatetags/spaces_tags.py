"""The side column's lists: ``{% my_spaces %}`` on any page, ``{% member_preview %}`` on a space's page;
the stream of a space's page: ``{% space_post_cards %}``."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.template import Engine
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from essaim.accounts.models import User
from essaim.core.fragments import render_cached
from essaim.core.links import fast_reverse_kwargs
from essaim.spaces import selectors
from essaim.spaces.models import Membership, Space
from essaim.stream.cards import card_list, render_cards
from essaim.stream.models import Post

register = template.Library()

MY_SPACES_TEMPLATE = "spaces/includes/my_spaces.html"
MEMBER_PREVIEW_TEMPLATE = "spaces/includes/member_preview.html"
PIN_FORM_TEMPLATE = "spaces/includes/pin_form.html"
PIN_ACTION_SLOT = "/essaim-pin-action/"


@register.simple_tag(takes_context=True)
def my_spaces(context: template.Context) -> SafeString:
    """The list, rendered once per distinct set of spaces (and language), then from the cache."""
    user = context.get("user")
    spaces = selectors.my_space_list(actor=user) if user is not None else []
    identity = [(s.pk, s.name, s.slug, str(s.avatar or "")) for s in spaces]
    return render_cached(MY_SPACES_TEMPLATE, {"spaces": spaces}, identity=identity)


@register.simple_tag(takes_context=True)
def spaces_pending(context: template.Context) -> selectors.Pending:
    """``{% spaces_pending as pending %}``: the spaces menu's count (requests to answer, invitations), one query."""
    known = context.get("spaces_pending")  # the directory's view counted them already
    if isinstance(known, selectors.Pending):
        return known
    user = context.get("user")
    return selectors.pending_for(actor=user) if user is not None else selectors.Pending()


@register.simple_tag
def member_preview(space: Space, members: Sequence[Membership]) -> SafeString:
    """The space page's few members, rendered once per distinct list (and language), then from the cache.

    The identity is everything the card shows: the space's address, and each member's role, name,
    address, kind (the external badge) and photo.
    """
    identity = [
        space.slug,
        [
            (m.role, m.user.pk, m.user.handle, m.user.first_name, m.user.last_name, m.user.kind, _photo(m.user))
            for m in members
        ],
    ]
    return render_cached(MEMBER_PREVIEW_TEMPLATE, {"space": space, "members": members}, identity=identity)


def _photo(user: User) -> str:
    profile = getattr(user, "profile", None)
    return str(getattr(profile, "photo", None) or "")


@register.simple_tag(takes_context=True)
def space_post_cards(
    context: template.Context, posts: Sequence[Post], space: Space, *, moderate: bool = False
) -> SafeString:
    """The cards of a space's stream. Its moderators may delete the space's own posts (not its sub-spaces')
    and get a button to pin each under it: the cards come in two cache round trips, not one per post,
    and the button is rendered once, its address filled per post."""
    if not moderate:
        return render_cards(context, posts, can_delete=False)
    own = [post for post in posts if post.space_id == space.pk]
    own_cards = iter(card_list(context, own, can_delete=True))
    other_cards = iter(card_list(context, [post for post in posts if post.space_id != space.pk], can_delete=False))
    with context.push(pin_action=PIN_ACTION_SLOT):
        button = Engine.get_default().get_template(PIN_FORM_TEMPLATE).render(context)
    html = []
    for post in posts:
        if post.space_id == space.pk:
            address = fast_reverse_kwargs("spaces:post-pin", slug=space.slug, post_id=post.pk)
            html += [next(own_cards), button.replace(PIN_ACTION_SLOT, escape(address))]
        else:
            html.append(next(other_cards))
    return mark_safe("".join(html))  # noqa: S308 - cards and button from autoescaping templates, the address escaped
