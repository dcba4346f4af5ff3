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
