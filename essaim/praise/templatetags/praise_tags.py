from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from essaim.praise.selectors import praise_received_for

register = template.Library()


@register.simple_tag(takes_context=True)
def praise_received(context: template.Context, person: Any) -> SafeString:
    """``{% praise_received person %}``: the praise ``person`` received that the reader may read, its count and
    the latest (a profile's section; nothing when there is none). Never a ranking."""
    received = praise_received_for(actor=context["user"], person=person)
    if not received.count:
        return SafeString("")
    html = render_to_string("praise/includes/received.html", {"person": person, "received": received})
    return SafeString(html)


@register.simple_tag
def praise_badges() -> list[tuple[str, str]]:
    """``{% praise_badges as badges %}``: the badges a praise may carry, ``(value, label)``."""
    from essaim.praise.models import Badge

    return [(value, str(label)) for value, label in Badge.choices]
