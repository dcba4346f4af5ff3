from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.oidc.models import DEFAULT_CLAIMS, AccountCreation, OidcProvider

LOOPBACK = {"localhost", "127.0.0.1", "::1"}
CLAIM_LABELS = {
    "given_name": _("First name"),
    "family_name": _("Last name"),
    "job_title": _("Job title"),
    "department": _("Department"),
    "site": _("Site"),
    "phone": _("Phone"),
    "manager": _("Manager (their e-mail address)"),
    "language": _("Language"),
    "groups": _("Groups (those named like a department put the person in it)"),
}


class ProviderForm(forms.Form):
    slug = forms.SlugField(
        label=_("Identifier"),
        max_length=40,
        help_text=_("In the redirect address you register at the provider; it cannot change later. E.g. “okta”."),
    )
    label = forms.CharField(label=_("Button label"), max_length=80, help_text=_("Shown as “Sign in with …”."))
    issuer = forms.URLField(
        label=_("Issuer"),
        max_length=300,
        assume_scheme="https",
        help_text=_("E.g. https://login.example.com/realms/company: Essaim reads its discovery document."),
    )
    client_id = forms.CharField(label=_("Client id"), max_length=255)
    secret = forms.CharField(
        label=_("Client secret"),
        max_length=1000,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the current one."),
    )
    enabled = forms.BooleanField(label=_("Offer this provider on the sign-in page"), required=False, initial=True)
    account_creation = forms.ChoiceField(
        label=_("Someone without an account signs in"),
        choices=AccountCreation.choices,
        widget=forms.RadioSelect,
        initial=AccountCreation.NETWORK,
    )

    def __init__(self, *args: Any, provider: OidcProvider | None = None, **kwargs: Any) -> None:
        if provider is not None:
            kwargs.setdefault("initial", {}).update(
                {
                    "slug": provider.slug,
                    "label": provider.label,
                    "issuer": provider.issuer,
                    "client_id": provider.client_id,
                    "enabled": provider.enabled,
                    "account_creation": provider.account_creation,
                    **{f"claim_{name}": provider.claim(name) for name in DEFAULT_CLAIMS},
                }
            )
        super().__init__(*args, **kwargs)
        self.provider = provider
        for name, default in DEFAULT_CLAIMS.items():
            self.fields[f"claim_{name}"] = forms.CharField(
                label=CLAIM_LABELS[name], max_length=100, required=False, initial=default
            )
        if provider is not None:
            del self.fields["slug"]  # the accounts linked to it are known by it
        else:
            self.fields["secret"].required = True
            self.fields["secret"].help_text = _("Stored encrypted and never shown again.")

    def claim_fields(self) -> list[forms.BoundField]:
        return [self[f"claim_{name}"] for name in DEFAULT_CLAIMS]

    def main_fields(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if not field.name.startswith("claim_")]

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"]).lower()
        if slug.startswith("saml-"):  # the SAML providers' accounts are known as saml-<their identifier>
            raise forms.ValidationError(_("An identifier cannot start with “saml-”."))
        if OidcProvider.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another provider already uses this identifier."))
        return slug

    def clean_issuer(self) -> str:
        issuer = str(self.cleaned_data["issuer"]).rstrip("/")
        parts = urlsplit(issuer)
        if parts.scheme != "https" and parts.hostname not in LOOPBACK:
            raise forms.ValidationError(
                _("Use the provider's https:// address (http is accepted on this machine only).")
            )
        if parts.query or parts.fragment:
            raise forms.ValidationError(_("The issuer has no query nor fragment (#)."))
        return issuer

    def values(self) -> dict[str, Any]:
        """The provider's fields for ``services.provider_create``/``provider_update`` (the secret apart)."""
        data = self.cleaned_data
        return {
            "label": data["label"],
            "issuer": data["issuer"],
            "client_id": data["client_id"].strip(),
            "enabled": data["enabled"],
            "account_creation": data["account_creation"],
            "claims": {name: data[f"claim_{name}"].strip() for name in DEFAULT_CLAIMS},
        }
