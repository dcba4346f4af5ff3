from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.webhooks.payloads import EVENTS


class IncomingWebhookForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("Shown as the author of its posts, e.g. “CI” or “Monitoring”.")
    )


class EndpointForm(forms.Form):
    url = forms.URLField(label=_("Receiving URL"), max_length=1000, assume_scheme="https")
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events to send"), widget=forms.CheckboxSelectMultiple, choices=[], initial=["post.created"]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        events = self.fields["events"]
        assert isinstance(events, forms.MultipleChoiceField)
        events.choices = list(EVENTS.items())
