"""The audit log viewer's filters, read from the query string; a bad value is a form error, not a 500."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.accounts.models import User
from essaim.audit.models import AuditAction
from essaim.audit.selectors import Filters
from essaim.core.widgets import PlainSelect


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label=_("Actor"), required=False, max_length=254, help_text=_("A handle (@camille) or an e-mail address.")
    )
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any action")), *AuditAction.choices],
        widget=PlainSelect,  # some sixty options: Django's per-option templates were a third of the page
    )
    target = forms.CharField(
        label=_("Target"), required=False, max_length=200, help_text=_("An id, or words of its name.")
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_actor(self) -> User | None:
        words = self.cleaned_data["actor"].strip()
        if not words:
            return None
        found = User.objects.filter(email__iexact=words).first() if "@" in words[1:] else None
        found = found or User.objects.filter(handle__iexact=words.removeprefix("@")).first()
        if found is None:
            raise forms.ValidationError(_("Nobody has this handle or e-mail address."))
        return found

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> Filters:
        """The filters of a valid form."""
        data = self.cleaned_data
        actor = data.get("actor")
        return Filters(
            actor_id=actor.pk if actor is not None else None,
            action=data.get("action") or "",
            target=data.get("target") or "",
            since=data.get("since"),
            until=data.get("until"),
        )
