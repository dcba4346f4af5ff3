"""The company's SAML 2.0 identity providers, configured by network administrators in /manage/sso/saml/.

Each enabled provider becomes one of django-allauth's SAML apps (``adapter.SocialAccountAdapter`` builds them
from these rows) and a "Sign in with …" button on the sign-in page. Essaim is the service provider: its
metadata is served at ``/accounts/saml/<slug>/metadata/`` (also its entity id), its key pair is made when the
provider is added (the private key stored encrypted, ``oidc.secrets.seal``). The identity provider's metadata
is kept as read (uploaded, or fetched from ``metadata_url`` when saved or tested): a sign-in never waits on it.
The people linked to a provider are allauth accounts named ``saml-<slug>``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from essaim.oidc.models import AccountCreation

ACCOUNT_PREFIX = "saml-"

# The profile fields an attribute may fill, with the attribute read by default: the names Microsoft Entra ID
# and AD FS send (claims URIs), which Okta and Keycloak mappers also offer.
CLAIMS_URI = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
DEFAULT_ATTRIBUTES = {
    "email": CLAIMS_URI + "emailaddress",
    "given_name": CLAIMS_URI + "givenname",
    "family_name": CLAIMS_URI + "surname",
    "job_title": "http://schemas.microsoft.com/identity/claims/jobtitle",
    "department": "http://schemas.microsoft.com/identity/claims/department",
    "site": "http://schemas.microsoft.com/identity/claims/officelocation",
    "phone": CLAIMS_URI + "mobilephone",
    "manager": "manager",
    "language": "preferredLanguage",
    "groups": "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
    "email_verified": "",
}


def _default_attributes() -> dict[str, str]:
    return dict(DEFAULT_ATTRIBUTES)


class SamlProvider(models.Model):
    slug = models.SlugField(
        _("identifier"),
        max_length=40,
        unique=True,
        help_text=_("In Essaim's addresses for this provider; it cannot change later. E.g. “adfs”."),
    )
    label = models.CharField(
        _("button label"), max_length=80, help_text=_("Shown as “Sign in with …”, e.g. “Okta” or “Atelier Boréal”.")
    )
    entity_id = models.CharField(_("identity provider's entity id"), max_length=300)
    metadata_url = models.URLField(_("metadata address"), max_length=500, blank=True)
    metadata_xml = models.TextField(_("metadata"), blank=True)
    sp_key_sealed = models.TextField(editable=False)
    sp_certificate = models.TextField(editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    account_creation = models.CharField(
        _("new accounts"), max_length=10, choices=AccountCreation.choices, default=AccountCreation.NETWORK
    )
    claims = models.JSONField(_("attributes"), default=_default_attributes, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("SAML identity provider")
        verbose_name_plural = _("SAML identity providers")
        ordering = ("label", "pk")

    def __str__(self) -> str:
        return self.label

    @property
    def protocol_name(self) -> str:
        """In the audit log's name of the provider (``oidc.actors.IdentityProviderActor``), in no language."""
        return "SAML"

    @property
    def account_provider(self) -> str:
        """The ``provider`` of the allauth accounts linked through it."""
        return ACCOUNT_PREFIX + self.slug

    def claim(self, field: str) -> str:
        """The attribute that fills ``field`` (empty: the field is left alone)."""
        value: Any = (self.claims or {}).get(field, DEFAULT_ATTRIBUTES.get(field, ""))
        return value if isinstance(value, str) else ""
