"""The bell in the top bar: ``{% unread_notifications as unread %}``, one indexed count a page."""

from __future__ import annotations

from django import template

from essaim.notifications import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    user = context.get("user")
    return selectors.unread_count_for(actor=user) if user is not None else 0
