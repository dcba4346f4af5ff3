from __future__ import annotations

from allauth.account.internal.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from essaim.saml import logout


@login_not_required
@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    """After signing out of Essaim: on to the identity provider's single logout, or the sign-in page."""
    remembered = logout.take(request)
    provider, url = logout.provider_logout_url(request, remembered) if remembered else (None, "")
    if not url:
        return redirect("account_login")
    return render(request, "saml/signed_out.html", {"provider": provider, "url": url})
