from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class CharterForm(forms.Form):
    """A new version: its text in French and in English (one of them at least), and whether it asks again."""

    body_fr = forms.CharField(
        label=_("Text in French"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12, "lang": "fr"}),
        help_text=_("Markdown is allowed: **bold**, lists, links."),
    )
    body_en = forms.CharField(
        label=_("Text in English"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12, "lang": "en"}),
        help_text=_("Whoever reads in a language the charter is not written in reads the other text."),
    )
    requires_acceptance = forms.BooleanField(
        label=_("Ask everyone to accept this version again"),
        required=False,
        help_text=_("Leave it unticked for a correction that changes no rule: nobody is asked again."),
    )

    def __init__(self, *args: Any, first: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if first:  # the first version is always accepted by everyone: nothing to choose
            del self.fields["requires_acceptance"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("body_fr", "").strip() and not data.get("body_en", "").strip():
            raise ValidationError(_("Write the charter's text in French, in English, or in both."))
        return data
