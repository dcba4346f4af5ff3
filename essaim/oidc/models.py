"""The company's OpenID Connect providers, configured by network administrators in /manage/sso/.

Each enabled provider becomes one of django-allauth's OpenID Connect apps (``adapter.SocialAccountAdapter``
builds them from these rows: nothing is kept in allauth's own ``SocialApp`` table) and a "Sign in with …"
button on the sign-in page. The client secret is stored encrypted (``secrets.seal``) and never shown back.
``slug`` names the provider in its addresses (``/accounts/oidc/<slug>/login/callback/``) and in the linked
accounts (``socialaccount.SocialAccount.provider``), so it does not change once the provider exists.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

# The profile fields a claim may fill, with the claim read by default (OpenID Connect's standard claims
# where there is one, the names Keycloak's and Entra's mappers use most otherwise).
DEFAULT_CLAIMS = {
    "given_name": "given_name",
    "family_name": "family_name",
    "job_title": "job_title",
    "department": "department",
    "site": "site",
    "phone": "phone_number",
    "manager": "manager",
    "language": "locale",
    "groups": "groups",
}


class AccountCreation(models.TextChoices):
    """What a first sign-in does for someone who has no account yet."""

    NETWORK = "network", _("As the network's sign-up policy says (self sign-up open, its e-mail domains)")
    DOMAINS = "domains", _("For addresses in the network's sign-up domains, even with self sign-up closed")
    DIRECTORY_ONLY = "directory", _("Never (directory only): only people who already have an account sign in")


def _default_claims() -> dict[str, str]:
    return dict(DEFAULT_CLAIMS)


class OidcProvider(models.Model):
    slug = models.SlugField(
        _("identifier"),
        max_length=40,
        unique=True,
        help_text=_("In the provider's redirect address; it cannot change later. E.g. “okta”."),
    )
    label = models.CharField(
        _("button label"), max_length=80, help_text=_("Shown as “Sign in with …”, e.g. “Okta” or “Atelier Boréal”.")
    )
    issuer = models.URLField(
        _("issuer"),
        max_length=300,
        help_text=_("The provider's address; Essaim reads /.well-known/openid-configuration under it."),
    )
    client_id = models.CharField(_("client id"), max_length=255)
    secret_sealed = models.TextField(editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    account_creation = models.CharField(
        _("new accounts"), max_length=10, choices=AccountCreation.choices, default=AccountCreation.NETWORK
    )
    claims = models.JSONField(_("claims"), default=_default_claims, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("OpenID Connect provider")
        verbose_name_plural = _("OpenID Connect providers")
        ordering = ("label", "pk")

    def __str__(self) -> str:
        return self.label

    @property
    def protocol_name(self) -> str:
        """In the audit log's name of the provider (``actors.IdentityProviderActor``), in no language."""
        return "OpenID Connect"

    def claim(self, field: str) -> str:
        """The claim that fills ``field`` (empty: the field is left alone)."""
        value: Any = (self.claims or {}).get(field, DEFAULT_CLAIMS.get(field, ""))
        return value if isinstance(value, str) else ""
