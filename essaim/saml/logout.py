"""Single logout started by Essaim: signing out of Essaim after a SAML sign-in also signs out at the identity
provider, when it offers single logout.

The sign-in remembers the provider and the person's NameID in the session (``remember``); signing out keeps
them in the new, empty session (``AccountAdapter.logout``) and sends the browser to a page of Essaim
(``views.signed_out``) that says so and goes on to the provider with a signed LogoutRequest: a page rather
than a redirect, so that the browser follows it whatever the sign-out form's CSP ``form-action``. The
provider answers at ``/accounts/saml/<slug>/sls/`` (allauth's), which also takes the provider's own logout
requests (logout started at the provider).
"""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.saml.utils import build_auth
from django.http import HttpRequest
from django.urls import reverse

from essaim.saml.metadata import MetadataError, social_app
from essaim.saml.models import SamlProvider

SESSION_KEY = "saml_logout"


def remember(request: HttpRequest, provider: SamlProvider, name_id: str) -> None:
    request.session[SESSION_KEY] = {"slug": provider.slug, "name_id": name_id}


def take(request: HttpRequest) -> dict[str, Any] | None:
    value = request.session.pop(SESSION_KEY, None) if hasattr(request, "session") else None
    return value if isinstance(value, dict) else None


def keep(request: HttpRequest, remembered: dict[str, Any] | None) -> None:
    if remembered:
        request.session[SESSION_KEY] = remembered


def pending(request: HttpRequest) -> bool:
    return hasattr(request, "session") and SESSION_KEY in request.session


def provider_logout_url(request: HttpRequest, remembered: dict[str, Any]) -> tuple[SamlProvider | None, str]:
    """The provider and its single-logout address with a signed LogoutRequest ("" when it offers none)."""
    provider = SamlProvider.objects.filter(slug=str(remembered.get("slug", "")), enabled=True).first()
    if provider is None:
        return None, ""
    try:
        app = social_app(provider)
    except MetadataError:
        return provider, ""
    if not app.settings["idp"]["slo_url"]:
        return provider, ""
    auth = build_auth(request, app.get_provider(request))
    url: str = auth.logout(
        return_to=request.build_absolute_uri(reverse("account_login")), name_id=str(remembered.get("name_id", ""))
    )
    return provider, url
