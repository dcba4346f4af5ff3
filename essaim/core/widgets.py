"""Form widgets written in Python where Django's templates cost more than the page around them.

Django draws a ``<select>`` through its form renderer, one template include per option: the audit log's
filter of some sixty actions took a third of the page's time. ``PlainSelect`` writes the same HTML directly
(the same attributes, ``id``, ``aria-describedby`` and ``required`` included); it takes flat choices only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

SELECTED = mark_safe(" selected")


class PlainSelect(forms.Select):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, SELECTED if str(key) in chosen else "", label) for key, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )
