from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from essaim.accounts.invitation_files import MAX_BYTES
from essaim.accounts.models import INVITABLE_KINDS, User
from essaim.core.uploads import CleanImage, clean_image
from essaim.network.models import NetworkSettings, color_validator

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
LOGO_MAX_SIDE = 256


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` next to the fields it names (elsewhere: on top of the form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class InvitationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    kind = forms.ChoiceField(label=_("Kind"), choices=INVITABLE_KINDS, initial=User.Kind.EMPLOYEE)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The same as yours")), *settings.LANGUAGES],
        help_text=_("The invitation is written in this language, and the new account takes it."),
    )


class InvitationFileForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One line per person: e-mail, first name, last name, and if you wish the language (fr or en) and "
            "the kind (employee or guest). Separated by semicolons or commas, as spreadsheets save them; "
            "a first line naming the columns is welcome."
        ),
        widget=forms.ClearableFileInput({"accept": ".csv,text/csv,text/plain"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_BYTES:
            raise ValidationError(
                _("This file is larger than %(size)d KB. Split it into several files.") % {"size": MAX_BYTES // 1024}
            )
        return upload


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, handle or e-mail"), required=False, max_length=100)


ROLES = {
    "network_admin": (
        _("Network administrator"),
        _("Opens the administration: invites people, gives roles, deactivates accounts, changes the network's "
          "settings, and runs every space."),
    ),
    "communication_team": (
        _("Communication team"),
        _("Pins company announcements at the top of everyone's feed."),
    ),
    "compliance_officer": (
        _("Compliance officer"),
        _("Sees and reads every space, secret ones included, without being a member."),
    ),
}  # fmt: skip


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=[(role, label) for role, (label, _about) in ROLES.items()])
    enabled = forms.BooleanField(required=False)
    confirmed = forms.BooleanField(required=False)


class NetworkSettingsForm(forms.ModelForm[NetworkSettings]):
    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("A square JPEG, PNG or WebP picture; it is resized to 256 × 256 pixels."),
        widget=forms.ClearableFileInput({"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    accent_color = forms.CharField(
        label=_("Accent colour"),
        max_length=7,
        validators=[color_validator],
        widget=forms.TextInput({"type": "color"}),
    )

    class Meta:
        model = NetworkSettings
        fields = ("name", "accent_color", "signup_open", "signup_domains", "guests_allowed", "two_factor_required")
        widgets = {"two_factor_required": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["two_factor_required"].required = False  # a form sent without it keeps the current policy
        if not (self.instance and self.instance.logo):
            del self.fields["remove_logo"]
        self.cleaned_logo: CleanImage | None = None

    def clean_logo_upload(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("logo_upload")
        if upload:
            self.cleaned_logo = clean_image(upload, max_side=LOGO_MAX_SIDE)
        return upload

    def clean_signup_domains(self) -> str:
        raw: str = self.cleaned_data.get("signup_domains", "")
        domains = [d.strip().lower().lstrip("@") for d in re.split(r"[,;\s]+", raw) if d.strip()]
        wrong = [d for d in domains if not DOMAIN_RE.match(d)]
        if wrong:
            raise ValidationError(
                _("These are not e-mail domains: %(wrong)s. Write them like example.com.") % {"wrong": ", ".join(wrong)}
            )
        return ", ".join(dict.fromkeys(domains))
