from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from essaim import access
from essaim.access import Action
from essaim.people.models import Department

register = template.Library()


@register.simple_tag(takes_context=True)
def must_read_panel(context: template.Context, post: Any) -> SafeString:
    """``{% must_read_panel post %}`` on a post's page: for whoever may ask for read confirmations, the form to
    ask (or stop); for whoever follows them, the link to who confirmed. Nothing for the others."""
    user = context["user"]
    state = getattr(post, "must_read_state", None)
    must_read = state.must_read if state is not None else None
    if must_read is not None:
        must_read.post = post
    can_require = access.can(user, Action.REQUIRE_READ, post)
    follows = must_read is not None and access.can(user, Action.VIEW_CONFIRMATIONS, must_read)
    if not (can_require or follows):
        return SafeString("")
    values = {
        "post": post,
        "must_read": must_read,
        "can_require": can_require,
        "follows": follows,
        "departments": list(Department.objects.order_by("name")) if can_require and must_read is None else [],
        "csrf_token": context.get("csrf_token"),
    }
    return SafeString(render_to_string("mustread/includes/panel.html", values))
