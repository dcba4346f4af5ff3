"""The side column's lists: ``{% my_spaces %}`` on any page, ``{% member_preview %}`` on a space's page."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.safestring import SafeString

from essaim.accounts.models import User
from essaim.core.fragments import render_cached
from essaim.spaces import selectors
from essaim.spaces.models import Membership, Space

register = template.Library()

MY_SPACES_TEMPLATE = "spaces/includes/my_spaces.html"
MEMBER_PREVIEW_TEMPLATE = "spaces/includes/member_preview.html"


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
