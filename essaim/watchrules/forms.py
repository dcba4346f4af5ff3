from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.watchrules.models import EXPLANATION_MAX, NAME_MAX, TERMS_MAX, WatchRule


class WatchRuleForm(forms.Form):
    """A rule as the /manage/ page writes it; the service checks words and patterns (``services._clean``)."""

    name = forms.CharField(label=_("Name"), max_length=NAME_MAX, help_text=_("The author sees it: “Client names”."))
    kind = forms.ChoiceField(label=_("What to look for"), choices=WatchRule.Kind.choices)
    terms = forms.CharField(
        label=_("Words, phrases or pattern"),
        required=False,
        max_length=TERMS_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=_(
            "Words and phrases: one a line, matched whole, whatever the case and the accents. A pattern: one "
            "regular expression in RE2's syntax, matched as written (start it with (?i) to ignore case). "
            "The built-in detectors need nothing here."
        ),
    )
    explanation = forms.CharField(
        label=_("Explanation for the author"),
        required=False,
        max_length=EXPLANATION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why it matters and what to do instead: “Client names stay in the client's space.”"),
    )
    action = forms.ChoiceField(label=_("Action"), choices=WatchRule.Action.choices, widget=forms.RadioSelect)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Message to the author"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
