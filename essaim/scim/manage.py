"""/manage/scim/: the tokens the company's directory provisions people with (network administrators only,
``Action.MANAGE_SCIM_TOKENS``). A new token is shown once; only its hash is kept."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from essaim.access import Action
from essaim.access.decorators import page_requires
from essaim.scim import selectors, services
from essaim.scim.forms import ScimTokenForm


@page_requires(Action.MANAGE_SCIM_TOKENS)
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = ScimTokenForm(request.POST if request.method == "POST" else None)
    new_token = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _token, new_token = services.scim_token_create(actor=request.user, name=form.cleaned_data["name"])
            form = ScimTokenForm()
        else:
            status = 400
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": selectors.scim_tokens_for(actor=request.user),
        "scim_url": request.build_absolute_uri(reverse("scim:root")),
    }
    return render(request, "scim/token_list.html", context, status=status)


@page_requires(Action.MANAGE_SCIM_TOKENS)
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.scim_token_get_for(actor=request.user, token_id=token_id)
    services.scim_token_revoke(actor=request.user, token=token)
    messages.success(
        request, _("The token “%(name)s” is revoked: the directory can no longer use it.") % {"name": token.name}
    )
    return redirect("scim:tokens")
