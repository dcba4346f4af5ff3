"""``{% my_spaces %}``: the side column's list of the reader's spaces, on any page."""

from __future__ import annotations

from typing import Any

from django import template

from essaim.spaces import selectors

register = template.Library()


@register.inclusion_tag("spaces/includes/my_spaces.html", takes_context=True)
def my_spaces(context: template.Context) -> dict[str, Any]:
    user = context.get("user")
    return {"spaces": selectors.my_space_list(actor=user) if user is not None else [], "user": user}
