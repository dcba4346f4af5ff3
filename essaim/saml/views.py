"""Essaim's own SAML addresses beside allauth's: the assertion consumer service that takes each assertion once,
and the page that goes on to the identity provider's single logout after signing out of Essaim."""

from __future__ import annotations

import base64
import binascii

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.providers.saml import views as allauth_saml_views
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

from essaim.oidc.signin import refusal_page
from essaim.oidc.views import with_sign_in_origins
from essaim.saml import logout

SEEN_FOR = 24 * 3600  # seconds an assertion's ID is remembered: longer than any assertion is valid


@login_not_required
@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    """After signing out of Essaim: on to the identity provider's single logout, or the sign-in page."""
    remembered = logout.take(request)
    provider, url = logout.provider_logout_url(request, remembered) if remembered else (None, "")
    if not url:
        return redirect("account_login")
    return render(request, "saml/signed_out.html", {"provider": provider, "url": url})


def _message_id(encoded: str) -> str:
    """The assertion's ID in a posted ``SAMLResponse`` (the response's when the assertion is encrypted), or ""."""
    try:
        document = OneLogin_Saml2_XML.to_etree(base64.b64decode(encoded, validate=False))
    except (ValueError, binascii.Error, SyntaxError, TypeError):
        return ""
    ids = OneLogin_Saml2_XML.query(document, "/samlp:Response/saml:Assertion/@ID") or OneLogin_Saml2_XML.query(
        document, "/samlp:Response/@ID"
    )
    return str(ids[0]) if ids else ""


def _seen_before(key: str) -> bool:
    """Whether the assertion was taken already. A cache that cannot answer (Redis stopped: ``add`` and ``get``
    both miss) lets it through: the assertion is still checked in full, only the replay guard is off then."""
    if cache.add(key, 1, timeout=SEEN_FOR):
        return False
    return cache.get(key) is not None


@login_not_required
def login(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """allauth's start of a SAML sign-in; its page for a GET (a link to this address) leads to the identity
    provider, which its CSP ``form-action`` allows."""
    response: HttpResponse = allauth_saml_views.login(request, organization_slug=organization_slug)
    return with_sign_in_origins(request, response)


@csrf_exempt
@login_not_required
def acs(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """allauth's assertion consumer service, which takes an assertion once only: the same response posted again
    (a replayed IdP-initiated sign-in, within the assertion's validity) is refused. allauth then checks it."""
    if request.method == "POST":
        message_id = _message_id(request.POST.get("SAMLResponse", ""))
        if message_id and _seen_before(f"saml:seen:{organization_slug}:{message_id}"):
            return refusal_page(request, _("This sign-in was already used. Sign in again from the sign-in page."))
    response: HttpResponse = allauth_saml_views.acs(request, organization_slug=organization_slug)
    return response
