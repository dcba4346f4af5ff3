from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ScimTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Directory"),
        max_length=80,
        help_text=_("Which directory will use this token, e.g. “Okta” or “Microsoft Entra ID”."),
    )
