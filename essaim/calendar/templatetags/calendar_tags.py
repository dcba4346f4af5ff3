"""The calendar's blocks on other apps' pages: a space's coming events."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from essaim.calendar import selectors
from essaim.calendar.forms import EventForm
from essaim.core.templatetags.essaim import fixed_form_fields

register = template.Library()


@register.inclusion_tag("calendar/includes/upcoming.html", takes_context=True)
def space_upcoming_events(context: template.Context, space: Any) -> dict[str, Any]:
    """The next events of ``space`` the reader may see (one query), for the space page's side column."""
    return {"events": selectors.upcoming_in_space(actor=context["user"], space=space), "space": space}


@register.simple_tag
def composer_event_fields(post_form: Any) -> SafeString:
    """The event's fields in the composer: what was typed when a try was refused (``post_form.event_form``), else
    an empty form drawn once per language (``fixed_form_fields``). Never ``required`` in the browser: the fields
    are hidden while "Post" is chosen, and the server checks them when "Event" is."""
    form = getattr(post_form, "event_form", None)
    if form is None:
        form = EventForm(use_required_attribute=False)
    return fixed_form_fields(form)
