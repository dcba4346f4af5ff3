"""``{% can "action" target as name %}``: templates ask the policy, never the user's flags."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model

from essaim.access.actions import Action
from essaim.access.policy import can as policy_can

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: template.Context, action: str, target: Model | None = None) -> bool:
    user: Any = context.get("user")
    return user is not None and policy_can(user, Action(action), target)
