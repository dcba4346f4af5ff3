"""The calendar's blocks on other apps' pages: a space's coming events."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from essaim.calendar import selectors
from essaim.calendar.forms import ComposerEventForm
from essaim.core.templatetags.essaim import fixed_form_fields

register = template.Library()


@register.inclusion_tag("calendar/includes/upcoming.html", takes_context=True)
def space_upcoming_events(context: template.Context, space: Any) -> dict[str, Any]:
    """The next events of ``space`` the reader may see (one query), for the space page's side column."""
    return {"events": selectors.upcoming_in_space(actor=context["user"], space=space), "space": space}


@register.simple_tag
def composer_event_fields(kind_form: Any) -> SafeString:
    """The event's fields in the composer: what was typed when a try was refused (``kind_form`` bound), else an
    empty form drawn once per language (``fixed_form_fields``). Never ``required`` in the browser: the fields
    are hidden while another kind is chosen, and the server checks them when "Event" is."""
    if kind_form is None or not kind_form.is_bound:
        kind_form = ComposerEventForm()
    return fixed_form_fields(kind_form)
