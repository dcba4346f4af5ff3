from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from essaim.ideas.models import IdeaStatus

register = template.Library()


@register.simple_tag
def idea_status_badge(status: str) -> SafeString:
    """``{% idea_status_badge idea.status %}``: the status, as a labelled badge."""
    return SafeString(
        render_to_string("ideas/includes/status.html", {"status": status, "statuses": IdeaStatus.choices})
    )


@register.simple_tag
def idea_count(counts: dict[str, int], status: str) -> int:
    """``{% idea_count board.counts value %}``: how many ideas have ``status``."""
    return counts.get(status, 0)
