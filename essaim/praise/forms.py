"""The composer's praise fields (``stream.kinds``, prefix ``praise``): whom, by handle, and the badge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.praise.models import Badge


class PraiseFields(forms.Form):
    praised = forms.CharField(
        label=_("Colleagues to praise"),
        max_length=1000,
        required=False,  # the service says "choose at least one colleague" beside the field
        help_text=_("Type @ and a name to find them; up to 10 people."),
        widget=forms.TextInput(attrs={"data-suggest": True, "autocomplete": "off"}),
    )
    badge = forms.ChoiceField(label=_("Badge"), choices=Badge.choices, initial=Badge.choices[0][0])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("use_required_attribute", False)  # hidden while another kind is chosen
        super().__init__(*args, **kwargs)
        self.fields["praised"].widget.attrs["placeholder"] = _("@lea.martin @eloise.dupre")
