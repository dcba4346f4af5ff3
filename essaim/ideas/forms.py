"""Forms of idea boxes: they shape input, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.ideas.models import IdeaStatus
from essaim.ideas.services import ANSWER_MAX_CHARS


class IdeaStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=IdeaStatus.choices)
    answer = forms.CharField(
        label=_("Official answer"),
        required=False,
        max_length=ANSWER_MAX_CHARS * 2,  # the service explains the limit
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the idea, for everyone. Markdown works."),
    )
