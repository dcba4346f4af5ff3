from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.oidc.forms import CLAIM_LABELS, LOOPBACK
from essaim.oidc.models import AccountCreation, OidcProvider
from essaim.saml.connection import metadata_fetch, metadata_problem
from essaim.saml.metadata import MAX_METADATA, MetadataError, idp_from_metadata
from essaim.saml.models import DEFAULT_ATTRIBUTES, SamlProvider

ATTRIBUTE_LABELS = {
    "email": _("E-mail address (empty: the NameID, when it is an address)"),
    **CLAIM_LABELS,
    "email_verified": _("Address verified (empty: the signed assertion vouches for it)"),
}


class SamlProviderForm(forms.Form):
    slug = forms.SlugField(
        label=_("Identifier"),
        max_length=40,
        help_text=_("In Essaim's addresses for this provider (its metadata); it cannot change later. E.g. “adfs”."),
    )
    label = forms.CharField(label=_("Button label"), max_length=80, help_text=_("Shown as “Sign in with …”."))
    entity_id = forms.CharField(
        label=_("Identity provider's entity id"),
        max_length=300,
        help_text=_("As its metadata gives it, e.g. https://sts.windows.net/…/ or http://www.okta.com/…"),
    )
    metadata_url = forms.URLField(
        label=_("Metadata address"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Essaim reads it now and at every connection test. Or upload the file below."),
    )
    metadata_file = forms.FileField(
        label=_("Metadata file"),
        required=False,
        help_text=_("The identity provider's metadata (XML), when it has no address Essaim can reach."),
    )
    enabled = forms.BooleanField(label=_("Offer this provider on the sign-in page"), required=False, initial=True)
    account_creation = forms.ChoiceField(
        label=_("Someone without an account signs in"),
        choices=AccountCreation.choices,
        widget=forms.RadioSelect,
        initial=AccountCreation.NETWORK,
    )

    def __init__(self, *args: Any, provider: SamlProvider | None = None, **kwargs: Any) -> None:
        if provider is not None:
            kwargs.setdefault("initial", {}).update(
                {
                    "slug": provider.slug,
                    "label": provider.label,
                    "entity_id": provider.entity_id,
                    "metadata_url": provider.metadata_url,
                    "enabled": provider.enabled,
                    "account_creation": provider.account_creation,
                    **{f"claim_{name}": provider.claim(name) for name in DEFAULT_ATTRIBUTES},
                }
            )
        super().__init__(*args, **kwargs)
        self.provider = provider
        for name, default in DEFAULT_ATTRIBUTES.items():
            self.fields[f"claim_{name}"] = forms.CharField(
                label=ATTRIBUTE_LABELS[name], max_length=300, required=False, initial=default
            )
        if provider is not None:
            del self.fields["slug"]

    def claim_fields(self) -> list[forms.BoundField]:
        return [self[f"claim_{name}"] for name in DEFAULT_ATTRIBUTES]

    def main_fields(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if not field.name.startswith("claim_")]

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"]).lower()
        if SamlProvider.objects.filter(slug=slug).exists() or OidcProvider.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another provider already uses this identifier."))
        return slug

    def clean_metadata_url(self) -> str:
        url = str(self.cleaned_data["metadata_url"])
        parts = urlsplit(url)
        if url and parts.scheme != "https" and parts.hostname not in LOOPBACK:
            raise forms.ValidationError(
                _("Use the metadata's https:// address (http is accepted on this machine only).")
            )
        return url

    def clean_metadata_file(self) -> str:
        upload = self.cleaned_data.get("metadata_file")
        if not upload:
            return ""
        if upload.size > MAX_METADATA:
            raise forms.ValidationError(_("The file is too large for one identity provider's metadata."))
        try:
            return bytes(upload.read()).decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not XML text (UTF-8).")) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        xml = data.get("metadata_file") or ""
        url = data.get("metadata_url") or ""
        field = "metadata_file"
        if (
            not xml
            and url
            and (self.provider is None or url != self.provider.metadata_url or not self.provider.metadata_xml)
        ):
            field = "metadata_url"
            xml, problem = metadata_fetch(url)
            if not xml:
                self.add_error(field, problem)
                return data
        if not xml and self.provider is not None:
            xml = self.provider.metadata_xml
        if not xml:
            self.add_error("metadata_url", _("Give the metadata's address or upload its file."))
            return data
        try:
            idp_from_metadata(xml, data["entity_id"].strip())
        except MetadataError as error:
            self.add_error(field, metadata_problem(str(error)))
        data["metadata_xml"] = xml
        return data

    def values(self) -> dict[str, Any]:
        """The provider's fields for ``services.provider_create``/``provider_update``."""
        data = self.cleaned_data
        return {
            "label": data["label"],
            "entity_id": data["entity_id"].strip(),
            "metadata_url": data["metadata_url"],
            "metadata_xml": data["metadata_xml"],
            "enabled": data["enabled"],
            "account_creation": data["account_creation"],
            "claims": {name: data[f"claim_{name}"].strip() for name in DEFAULT_ATTRIBUTES},
        }
