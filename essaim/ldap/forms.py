from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from ldap import dn as ldap_dn

from essaim.ldap.models import DEFAULT_ATTRIBUTES, LdapDirectory

ATTRIBUTE_LABELS = {
    "email": _("E-mail address (required: how accounts are matched)"),
    "given_name": _("First name"),
    "family_name": _("Last name"),
    "job_title": _("Job title"),
    "department": _("Department (when none of the person’s groups names one)"),
    "site": _("Site (an existing one, by name)"),
    "phone": _("Phone"),
    "manager": _("Manager (the DN of their entry)"),
    "photo": _("Photo (JPEG)"),
}
SCHEMES = ("ldap://", "ldaps://")


class DirectoryForm(forms.Form):
    enabled = forms.BooleanField(
        label=_("Sign in and sync with this directory"),
        required=False,
        help_text=_("Test the connection before enabling it."),
    )
    server_uri = forms.CharField(
        label=_("Server address"),
        max_length=300,
        help_text=_("E.g. ldaps://ldap.example.com or ldap://dc1.example.com:389 (several: separated by spaces)."),
    )
    start_tls = forms.BooleanField(
        label=_("Use StartTLS"), required=False, help_text=_("Encrypts an ldap:// connection; ldaps:// already is.")
    )
    bind_dn = forms.CharField(
        label=_("Bind DN"),
        max_length=500,
        required=False,
        help_text=_("The service account Essaim reads the directory as, e.g. cn=essaim,ou=services,dc=example,dc=com."),
    )
    password = forms.CharField(
        label=_("Bind password"),
        max_length=1000,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the current one."),
    )
    user_base = forms.CharField(
        label=_("People’s search base"), max_length=500, help_text=_("E.g. ou=people,dc=example,dc=com.")
    )
    user_filter = forms.CharField(
        label=_("People’s filter"),
        max_length=500,
        help_text=_(
            "Who is a person of the network, e.g. (objectClass=inetOrgPerson) or, on Active Directory, "
            "(&(objectCategory=person)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))."
        ),
    )
    login_attribute = forms.RegexField(
        label=_("Sign-in attribute"),
        max_length=60,
        regex=r"^[A-Za-z][A-Za-z0-9-]*$",
        help_text=_("What people type on the sign-in page: mail, uid, or sAMAccountName or userPrincipalName."),
        error_messages={"invalid": _("An attribute’s name: letters, digits and hyphens.")},
    )
    group_base = forms.CharField(
        label=_("Groups’ search base"),
        max_length=500,
        required=False,
        help_text=_("Empty: groups are not read. A group named like a department puts its members in it."),
    )
    group_filter = forms.CharField(label=_("Groups’ filter"), max_length=500)
    sync_every_minutes = forms.IntegerField(label=_("Sync every (minutes)"), min_value=5, max_value=24 * 60)
    deprovision = forms.BooleanField(
        label=_("Deactivate the people who leave the directory"),
        required=False,
        help_text=_("Their sessions and tokens are revoked; what they wrote stays."),
    )

    def __init__(self, *args: Any, directory: LdapDirectory, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).update(
            {
                **{name: getattr(directory, name) for name in self.base_fields if name != "password"},
                **{f"attr_{name}": " ".join(directory.attribute(name)) for name in DEFAULT_ATTRIBUTES},
            }
        )
        super().__init__(*args, **kwargs)
        self.directory = directory
        for name in DEFAULT_ATTRIBUTES:
            self.fields[f"attr_{name}"] = forms.CharField(
                label=ATTRIBUTE_LABELS[name], max_length=200, required=name == "email"
            )

    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[f"attr_{name}"] for name in DEFAULT_ATTRIBUTES]

    def main_fields(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if not field.name.startswith("attr_")]

    def clean_server_uri(self) -> str:
        uris = str(self.cleaned_data["server_uri"]).split()
        if not uris or not all(uri.lower().startswith(SCHEMES) for uri in uris):
            raise forms.ValidationError(_("Start the address with ldap:// or ldaps://."))
        return " ".join(uris)

    def _dn(self, name: str) -> str:
        value = str(self.cleaned_data[name]).strip()
        if value and not ldap_dn.is_dn(value):
            raise forms.ValidationError(_("This is not a DN: write it as cn=…,dc=example,dc=com."))
        return value

    def clean_bind_dn(self) -> str:
        return self._dn("bind_dn")

    def clean_user_base(self) -> str:
        return self._dn("user_base")

    def clean_group_base(self) -> str:
        return self._dn("group_base")

    def _filter(self, name: str) -> str:
        value = str(self.cleaned_data[name]).strip()
        if not (value.startswith("(") and value.endswith(")")) or value.count("(") != value.count(")"):
            raise forms.ValidationError(_("Write an LDAP filter in parentheses, e.g. (objectClass=person)."))
        return value

    def clean_user_filter(self) -> str:
        return self._filter("user_filter")

    def clean_group_filter(self) -> str:
        return self._filter("group_filter")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("bind_dn") and not data.get("password") and not self.directory.bind_password_sealed:
            self.add_error("password", _("Enter the bind DN’s password."))
        return data

    def values(self) -> dict[str, Any]:
        """The directory's fields for ``services.directory_update`` (the password apart)."""
        data = self.cleaned_data
        names = [name for name in self.base_fields if name != "password"]
        return {
            **{name: data[name] for name in names},
            "attributes": {name: " ".join(data[f"attr_{name}"].split()) for name in DEFAULT_ATTRIBUTES},
        }
