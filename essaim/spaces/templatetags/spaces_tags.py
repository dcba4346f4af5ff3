"""``{% my_spaces %}``: the side column's list of the reader's spaces, on any page."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from essaim.core.fragments import render_cached
from essaim.spaces import selectors

register = template.Library()

MY_SPACES_TEMPLATE = "spaces/includes/my_spaces.html"


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
