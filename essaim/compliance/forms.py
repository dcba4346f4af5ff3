"""The forms of /manage/retention/, /manage/legal-holds/ and /manage/compliance-exports/.

Spaces are chosen among every space, closed ones included, by name: those who hold these rights decide for
spaces they do not belong to (a network administrator runs every space; a compliance officer holds or exports
one without reading it in the pages). People are chosen with the people picker.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.access.roles import Actor
from essaim.compliance.models import MAX_DAYS, RetentionPolicy
from essaim.people.pickers import PeopleField
from essaim.spaces.models import Space

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _spaces() -> forms.ModelChoiceField[Space]:
    return forms.ModelChoiceField(
        label=_("Space"), queryset=Space.objects.order_by("name"), required=False, empty_label=_("No space")
    )


class RetentionPolicyForm(forms.Form):
    space = forms.ModelChoiceField(
        label=_("Applies to"),
        queryset=Space.objects.order_by("name"),
        required=False,
        empty_label=_("The whole network"),
        help_text=_("A space's own policy replaces the network's in that space."),
    )
    mode = forms.ChoiceField(
        label=_("What happens"), choices=RetentionPolicy.Mode.choices, widget=forms.RadioSelect,
        initial=RetentionPolicy.Mode.ARCHIVE,
    )  # fmt: skip
    days = forms.IntegerField(
        label=_("To posts older than (days)"),
        min_value=1,
        max_value=MAX_DAYS,
        help_text=_("Posts under legal hold are never deleted nor archived."),
    )


class _PersonOrSpace(forms.Form):
    person = PeopleField(
        label=_("Person"), multiple=False, required=False, help_text=_("Search by name, handle or e-mail address.")
    )
    space = _spaces()

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, PeopleField)
        person.actor = actor

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and (cleaned.get("person") is None) == (cleaned.get("space") is None):
            raise forms.ValidationError(_("Choose either a person or a space."))
        return cleaned


class LegalHoldForm(_PersonOrSpace):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A case reference or a sentence: it is kept with the hold and in the audit log."),
    )


class ComplianceExportForm(_PersonOrSpace):
    since = forms.DateField(label=_("From"), widget=DATE)
    until = forms.DateField(label=_("To"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned
