"""django-allauth's social accounts, as Essaim runs them: the OpenID Connect providers come from
``oidc.OidcProvider`` (one allauth app each, never stored in allauth's table), and Essaim decides who is
linked or created (``signin.first_sign_in_check``); every refusal is a page in the person's language."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from essaim.oidc import selectors, signin
from essaim.oidc.models import OidcProvider
from essaim.oidc.secrets import unseal

PROVIDER = "openid_connect"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def social_app(provider: OidcProvider) -> SocialApp:
    """The allauth app of a provider: discovery from its issuer, PKCE on every sign-in."""
    return SocialApp(
        provider=PROVIDER,
        provider_id=provider.slug,
        name=provider.label,
        client_id=provider.client_id,
        secret=unseal(provider.secret_sealed),
        settings={"server_url": provider.issuer, "oauth_pkce_enabled": True, "fetch_userinfo": True},
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """The OpenID Connect providers' adapter; ``saml.adapter.SocialAccountAdapter`` adds the SAML ones through
    the ``sso_*`` hooks, and the sign-in decisions below stay the same for both."""

    def sso_apps(self) -> list[SocialApp]:
        """The allauth apps of the enabled providers."""
        return [social_app(p) for p in selectors.providers_enabled()]

    def sso_provider(self, provider_id: str) -> signin.SsoProvider | None:
        """The provider an allauth account's ``provider`` names (``None``: deleted)."""
        return selectors.provider_by_slug(provider_id)

    def sso_claims(self, sociallogin: SocialLogin) -> dict[str, Any]:
        """What the provider said of the person, as claims (``signin``'s vocabulary)."""
        return signin.claims_of(sociallogin.account.extra_data)

    def sso_signed_in(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """After a sign-in through a provider (SAML remembers what its single logout needs)."""

    def sign_in_origins(self) -> set[str]:
        """Where the sign-in page's "Sign in with …" forms lead (its CSP ``form-action``)."""
        return {_origin(provider.issuer) for provider in selectors.providers_enabled()}

    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        apps = self.sso_apps()
        if provider:
            apps = [app for app in apps if provider in {app.provider, app.provider_id}]
        if client_id:
            apps = [app for app in apps if app.client_id == client_id]
        return apps

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        provider = self.sso_provider(sociallogin.account.provider)
        if provider is None or not getattr(provider, "enabled", False):
            raise ImmediateHttpResponse(signin.refusal_page(request, _("This sign-in method is no longer offered.")))
        if sociallogin.state.get("process") == "connect":  # links are made by verified address, not by hand
            raise ImmediateHttpResponse(
                signin.refusal_page(
                    request, _("Your account is linked to your identity provider when you sign in with it.")
                )
            )
        if sociallogin.is_existing:
            return
        try:
            user = signin.first_sign_in_check(provider=provider, claims=self.sso_claims(sociallogin))
        except signin.RefusedError as refusal:
            raise ImmediateHttpResponse(signin.refusal_page(request, refusal.message)) from None
        if user is not None:
            sociallogin.connect(request, user)

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True  # ``pre_social_login`` has let only the people the provider's policy allows this far

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        """A new account through ``accounts.user_create`` (profile, automatic memberships), its address verified."""
        from essaim.accounts import services as accounts_services

        claims = self.sso_claims(sociallogin)
        language = getattr(request, "LANGUAGE_CODE", "")
        user = accounts_services.user_create(
            email=str(claims.get("email", "")),
            first_name=sociallogin.user.first_name if sociallogin.user else "",
            last_name=sociallogin.user.last_name if sociallogin.user else "",
            password=None,
            email_verified=True,
            language=language if language in dict(settings.LANGUAGES) else "",
        )
        sociallogin.user = user
        sociallogin.save(request, connect=True)
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        if error == "cancelled":
            message = _("You cancelled the sign-in. Sign in again when you are ready.")
        else:
            message = _(
                "The sign-in through %(provider)s did not succeed: the identity provider's answer could not be "
                "checked. Try again; if it happens again, tell your IT department."
            ) % {"provider": getattr(provider, "name", "") or _("your identity provider")}
        raise ImmediateHttpResponse(signin.refusal_page(request, message))


def social_login_completed(request: HttpRequest, user: Any, sociallogin: SocialLogin) -> None:
    """After allauth signed the person in: their profile from the claims, and two-factor if the token proves it."""
    from allauth.socialaccount.adapter import get_adapter

    adapter = get_adapter(request)
    provider = adapter.sso_provider(sociallogin.account.provider)
    if provider is None:
        return
    claims = adapter.sso_claims(sociallogin)
    signin.claims_apply(provider=provider, user=user, claims=claims)
    signin.two_factor_from_claims(request, claims)
    adapter.sso_signed_in(request, sociallogin)
