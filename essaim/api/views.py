"""The personal API tokens page: create (the secret is shown once) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from essaim.api import oauth, selectors, services
from essaim.api.forms import TokenCreateForm
from essaim.core.http import redirect_or_htmx


def _page(request: HttpRequest, form: TokenCreateForm, *, new_token: str = "", status: int = 200) -> HttpResponse:
    tokens = selectors.personal_token_list_for(actor=request.user)
    context = {"form": form, "tokens": tokens, "new_token": new_token}
    return render(request, "api/tokens.html", context, status=status)


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenCreateForm())
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    token, raw = services.personal_token_create(actor=request.user, name=form.cleaned_data["name"])
    messages.success(
        request, _("Token “%(name)s” created. Copy it now: it will not be shown again.") % {"name": token.name}
    )
    # Rendered in the POST response only, never stored in clear, never put in a URL.
    return _page(request, TokenCreateForm(), new_token=raw, status=201)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.personal_token_get_for(actor=request.user, token_id=token_id)
    services.personal_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name})
    return redirect_or_htmx(request, reverse("api:tokens"))


@never_cache
@login_required
def authorised_apps(request: HttpRequest) -> HttpResponse:
    """The apps the person authorised (phone and desktop apps signed in through ``/oauth/authorize``)."""
    apps = oauth.authorised_apps_for(actor=request.user)
    return render(request, "api/apps.html", {"apps": apps})


@login_required
@require_POST
def authorised_app_revoke(request: HttpRequest, application_id: int) -> HttpResponse:
    if not oauth.app_revoke_for(actor=request.user, application_id=application_id):
        raise Http404
    messages.success(request, _("The app was signed out: it can no longer act as you."))
    return redirect_or_htmx(request, reverse("apps:list"))
