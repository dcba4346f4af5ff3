"""``{% question_followed post as followed %}``: whether the reader follows the question (the question page)."""

from __future__ import annotations

from typing import Any

from django import template

from essaim.questions import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def question_followed(context: template.Context, post: Any) -> bool:
    return selectors.question_followed(actor=context["user"], post=post)
