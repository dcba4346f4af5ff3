"""Essaim's allauth adapter with the SAML providers beside the OpenID Connect ones: the same sign-in rules
(``oidc.adapter``, ``oidc.signin``) decide who is linked or created; only where the apps come from and how an
assertion's attributes read as claims differ."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialApp, SocialLogin
from django.conf import settings
from django.http import HttpRequest

from essaim.oidc import adapter as oidc_adapter
from essaim.oidc.signin import SsoProvider
from essaim.saml import logout, selectors
from essaim.saml.metadata import MetadataError, idp_from_metadata, social_app
from essaim.saml.models import SamlProvider
from essaim.saml.provider import AUTHN_CONTEXTS

logger = logging.getLogger(__name__)
TRUE = {"true", "1", "t", "y", "yes"}
# How an identity provider says, in SAML, that the person used a second factor: the assertion's
# AuthnContextClassRef (REFEDS' MFA profile, SAML 2.0's two-factor and smart-card classes) or Microsoft's
# authentication-methods attribute. Other values count when listed in ESSAIM_SSO_MFA_ACR_VALUES.
MFA_CONTEXTS = frozenset(
    {
        "https://refeds.org/profile/mfa",
        "http://schemas.microsoft.com/claims/multipleauthn",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI",
    }
)
METHODS_ATTRIBUTE = "http://schemas.microsoft.com/claims/authnmethodsreferences"


def _second_factor(attributes: dict[str, Any]) -> bool:
    """Whether the assertion says the person used a second factor (``claims_prove_mfa`` reads it as ``amr``)."""
    said = [*(attributes.get(AUTHN_CONTEXTS) or []), *(attributes.get(METHODS_ATTRIBUTE) or [])]
    accepted = MFA_CONTEXTS | set(settings.SSO_MFA_ACR_VALUES)
    return any(isinstance(value, str) and value in accepted for value in said)


def _apps() -> list[SocialApp]:
    apps = []
    for provider in selectors.providers_enabled():
        try:
            apps.append(social_app(provider))
        except MetadataError:
            logger.warning("saml: the metadata of %s cannot be read; its button is not offered", provider.slug)
    return apps


def claims_of(provider: SamlProvider, sociallogin: SocialLogin) -> dict[str, Any]:
    """The assertion's attributes, with the address allauth found (an attribute, or an e-mail NameID) and
    whether it is verified: what the provider's ``email_verified`` attribute says when it maps one, otherwise
    yes, since the address comes in an assertion signed by the company's identity provider."""
    attributes = sociallogin.account.extra_data if isinstance(sociallogin.account.extra_data, dict) else {}
    claims: dict[str, Any] = dict(attributes)
    found = attributes.get(provider.claim("email")) if provider.claim("email") else None
    if isinstance(found, list) and found and isinstance(found[0], str):
        claims["email"] = found[0]
    elif "@" in str(sociallogin.account.uid):  # the NameID, when it is an address
        claims["email"] = str(sociallogin.account.uid)
    else:
        claims["email"] = sociallogin.user.email if sociallogin.user is not None else ""
    verified_by = provider.claim("email_verified")
    if verified_by:
        values = attributes.get(verified_by) or [""]
        claims["email_verified"] = str(values[0]).strip().lower() in TRUE
    else:
        claims["email_verified"] = True
    claims.pop(AUTHN_CONTEXTS, None)
    if _second_factor(attributes):
        claims["amr"] = ["mfa"]
    return claims


class SocialAccountAdapter(oidc_adapter.SocialAccountAdapter):
    def sso_apps(self) -> list[SocialApp]:
        return [*super().sso_apps(), *_apps()]

    def sso_provider(self, provider_id: str) -> SsoProvider | None:
        return selectors.provider_by_account(provider_id) or super().sso_provider(provider_id)

    def sso_claims(self, sociallogin: SocialLogin) -> dict[str, Any]:
        provider = selectors.provider_by_account(sociallogin.account.provider)
        if provider is None:
            return super().sso_claims(sociallogin)
        return claims_of(provider, sociallogin)

    def sso_signed_in(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        provider = selectors.provider_by_account(sociallogin.account.provider)
        if provider is not None:
            logout.remember(request, provider, sociallogin.account.uid)

    def sign_in_origins(self) -> set[str]:
        origins = super().sign_in_origins()
        for provider in selectors.providers_enabled():
            try:
                parts = urlsplit(idp_from_metadata(provider.metadata_xml, provider.entity_id).sso_url)
            except MetadataError:
                continue
            origins.add(f"{parts.scheme}://{parts.netloc}")
        return origins
