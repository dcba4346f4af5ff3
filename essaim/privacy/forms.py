from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.accounts.models import User


class EraseForm(forms.Form):
    """What to do with what the person wrote, and their e-mail address typed again: nothing is undone."""

    KEEP, DELETE = "keep", "delete"
    content = forms.ChoiceField(
        label=_("What they wrote"),
        choices=[
            (KEEP, _("Keep it, under the name “Former member”")),
            (DELETE, _("Delete it: their posts, comments, reactions and files")),
        ],
        widget=forms.RadioSelect,
    )
    email = forms.CharField(label=_("Type their e-mail address to confirm"), max_length=254)

    def __init__(self, *args: Any, person: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip()
        if email.casefold() != self.person.email.casefold():
            raise forms.ValidationError(_("This is not their e-mail address."))
        return email

    @property
    def keep_content(self) -> bool:
        return self.cleaned_data["content"] == self.KEEP
