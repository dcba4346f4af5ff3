"""/manage/sso/: the company's OpenID Connect providers (network administrators only, ``Action.MANAGE_SSO``).

Add one, change it (an empty secret keeps the stored one, which is never shown), test its connection (its
discovery document and keys, said in words), delete it. Every change is in the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from essaim.access import Action
from essaim.access.decorators import page_requires
from essaim.oidc import selectors, services
from essaim.oidc.connection import Report, connection_test
from essaim.oidc.forms import ProviderForm
from essaim.oidc.models import OidcProvider


def _callback_url(request: HttpRequest, slug: str) -> str:
    return request.build_absolute_uri(reverse("openid_connect_callback", kwargs={"provider_id": slug}))


@page_requires(Action.MANAGE_SSO)
@require_http_methods(["GET", "POST"])
def provider_list(request: HttpRequest) -> HttpResponse:
    form = ProviderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        provider = services.provider_create(
            actor=request.user, slug=form.cleaned_data["slug"], secret=form.cleaned_data["secret"], **form.values()
        )
        messages.success(
            request,
            _(
                "The provider “%(label)s” is added. Register the redirect address below at the provider, "
                "then test the connection."
            )
            % {"label": provider.label},
        )
        return redirect("oidc:provider", provider_id=provider.pk)
    context = {
        "form": form,
        "providers": selectors.providers_for(actor=request.user),
        "callback_example": _callback_url(request, "SLUG"),
    }
    return render(request, "oidc/provider_list.html", context, status=400 if form.is_bound else 200)


def _edit_page(
    request: HttpRequest, provider: OidcProvider, form: ProviderForm, report: Report | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "provider": provider,
        "form": form,
        "report": report,
        "callback_url": _callback_url(request, provider.slug),
    }
    return render(request, "oidc/provider_edit.html", context, status=status)


@page_requires(Action.MANAGE_SSO)
@require_http_methods(["GET", "POST"])
def provider_edit(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_get_for(actor=request.user, provider_id=provider_id)
    if request.method == "GET":
        return _edit_page(request, provider, ProviderForm(provider=provider))
    form = ProviderForm(request.POST, provider=provider)
    if not form.is_valid():
        return _edit_page(request, provider, form, status=400)
    services.provider_update(actor=request.user, provider=provider, secret=form.cleaned_data["secret"], **form.values())
    messages.success(request, _("The provider “%(label)s” is saved.") % {"label": provider.label})
    return redirect("oidc:provider", provider_id=provider.pk)


@page_requires(Action.MANAGE_SSO)
@require_POST
def provider_test(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_get_for(actor=request.user, provider_id=provider_id)
    return _edit_page(request, provider, ProviderForm(provider=provider), report=connection_test(provider=provider))


@page_requires(Action.MANAGE_SSO)
@require_POST
def provider_delete(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_get_for(actor=request.user, provider_id=provider_id)
    label = provider.label
    services.provider_delete(actor=request.user, provider=provider)
    messages.success(
        request, _("The provider “%(label)s” is deleted: its people now sign in another way.") % {"label": label}
    )
    return redirect("oidc:providers")
