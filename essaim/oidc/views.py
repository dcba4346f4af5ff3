"""The sign-in's own two addresses (``/accounts/oidc/<slug>/login/`` and its callback): allauth's OpenID
Connect views, except that the ID token's signature is always checked against the provider's keys.

allauth skips that check when the token came straight from the token endpoint, which OpenID Connect allows
over TLS; Essaim checks it anyway, so a provider on plain HTTP (a test, a company network) or a proxy that
rewrites answers cannot slip an unsigned or foreign token in.
"""

from __future__ import annotations

from typing import Any

from allauth.account.internal.decorators import login_not_required
from allauth.account.views import LoginView
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.csp import CSP

_allauth_login = LoginView.as_view()


class SignedTokenAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        data: dict[str, Any] = jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )
        return data


def with_sign_in_origins(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A page whose forms are answered with a redirect to a provider: its CSP ``form-action`` lets the browser
    follow them to the providers' origins (OpenID Connect issuers', SAML identity providers' sign-in addresses;
    the connection test says when a provider signs in elsewhere)."""
    origins = sorted(get_adapter(request).sign_in_origins())
    if origins:
        response._csp_config = settings.SECURE_CSP | {"form-action": [CSP.SELF, *origins]}  # type: ignore[attr-defined]
    return response


@login_not_required
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """allauth's: a POST goes to the provider; a GET (a link to this address) asks first, in a page whose
    "Continue" form leads to the provider."""
    try:
        response: HttpResponse = OAuth2LoginView.adapter_view(SignedTokenAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    return with_sign_in_origins(request, response)


@login_not_required
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        response: HttpResponse = OAuth2CallbackView.adapter_view(SignedTokenAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    return response


@login_not_required
def login_page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """allauth's sign-in page, whose "Sign in with …" forms are answered with a redirect to each provider."""
    return with_sign_in_origins(request, _allauth_login(request, *args, **kwargs))
