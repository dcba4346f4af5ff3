"""The report form and the decision form: what they accept is what the services check."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.moderation.models import NOTE_MAX, REPORT_TEXT_MAX, Decision, Reason
from essaim.moderation.services import SUSPENSION_MAX_DAYS


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this?"),
        choices=Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the reason that fits best; “Something else” if none does.")},
    )
    details = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=REPORT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the moderators read it. Your name is never shown to the author."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices)
    note = forms.CharField(required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    days = forms.IntegerField(required=False, min_value=1, max_value=SUSPENSION_MAX_DAYS)
