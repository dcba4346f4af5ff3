"""The sign-in's steps as Essaim runs them (allauth's login stages, ``AccountAdapter.get_login_stages``).

allauth asks a person with an authenticator app or a passkey for it after any sign-in. After a single sign-on
whose identity provider says it checked a second factor itself (the ID token's ``amr``/``acr``:
``two_factor.claims_prove_mfa``), asking again is a second second factor: that sign-in goes on.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage
from django.http import HttpRequest

from essaim.accounts.two_factor import claims_prove_mfa


def sso_proved_second_factor(request: HttpRequest, login: Any) -> bool:
    """Whether this sign-in is a single sign-on whose provider proved a second factor (never for a password)."""
    from allauth.socialaccount.adapter import get_adapter

    sociallogin = (getattr(login, "signal_kwargs", None) or {}).get("sociallogin")
    if sociallogin is None:
        return False
    adapter = get_adapter(request)
    if adapter.sso_provider(sociallogin.account.provider) is None:
        return False
    return claims_prove_mfa(adapter.sso_claims(sociallogin))


class AuthenticateStage(AllauthAuthenticateStage):
    """allauth's "enter your code" step, skipped when the identity provider already checked a second factor."""

    def _should_handle(self, request: HttpRequest) -> bool:
        if sso_proved_second_factor(request, self.login):
            return False
        return super()._should_handle(request)
