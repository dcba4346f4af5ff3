from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from essaim.accounts.models import Invitation, User


def _timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class PreferencesForm(forms.ModelForm[User]):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Like your browser")), *settings.LANGUAGES],
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=_timezone_choices)
    theme = forms.ChoiceField(
        label=_("Theme"),
        choices=User.Theme.choices,
        widget=forms.RadioSelect,
        help_text=_("“Automatic” follows your device's setting, light or dark, and changes when it does."),
    )

    class Meta:
        model = User
        fields = ("language", "timezone", "theme")


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class SignupNamesForm(forms.Form):
    """Extra fields of allauth's sign-up form (``ACCOUNT_SIGNUP_FORM_CLASS``)."""

    first_name = forms.CharField(
        label=_("First name"), max_length=150, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, widget=forms.TextInput({"autocomplete": "family-name"})
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        """The adapter's ``save_user`` already used the names; nothing left to do."""


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"), max_length=150, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, widget=forms.TextInput({"autocomplete": "family-name"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput({"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; avoid common words and your name."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"), strip=False, widget=forms.PasswordInput({"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"first_name": invitation.first_name, "last_name": invitation.last_name})
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self) -> dict[str, Any]:
        from essaim.accounts.services import password_check

        data = super().clean() or {}
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            try:
                password_check(
                    password=password1,
                    email=self.invitation.email,
                    first_name=data.get("first_name", ""),
                    last_name=data.get("last_name", ""),
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return data
