"""/manage/sso/saml/: the company's SAML identity providers (network administrators only, ``Action.MANAGE_SSO``).

Add one (its metadata by address or file), change it, test its connection (the metadata read again, the
certificate and sign-in address checked, said in words), delete it. Every change is in the audit log.
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
from essaim.oidc.connection import Report
from essaim.saml import selectors, services
from essaim.saml.connection import connection_test
from essaim.saml.forms import SamlProviderForm
from essaim.saml.models import SamlProvider


def _addresses(request: HttpRequest, slug: str) -> dict[str, str]:
    return {
        name: request.build_absolute_uri(reverse(f"saml_{name}", kwargs={"organization_slug": slug}))
        for name in ("metadata", "acs", "sls")
    }


@page_requires(Action.MANAGE_SSO)
@require_http_methods(["GET", "POST"])
def provider_list(request: HttpRequest) -> HttpResponse:
    form = SamlProviderForm(request.POST, request.FILES) if request.method == "POST" else SamlProviderForm()
    if request.method == "POST" and form.is_valid():
        provider = services.provider_create(actor=request.user, slug=form.cleaned_data["slug"], **form.values())
        messages.success(
            request,
            _(
                "The identity provider “%(label)s” is added. Give it Essaim's metadata address below, then test "
                "the connection."
            )
            % {"label": provider.label},
        )
        return redirect("saml:provider", provider_id=provider.pk)
    context = {
        "form": form,
        "providers": selectors.providers_for(actor=request.user),
        "metadata_example": _addresses(request, "SLUG")["metadata"],
    }
    return render(request, "saml/provider_list.html", context, status=400 if form.is_bound else 200)


def _edit_page(
    request: HttpRequest,
    provider: SamlProvider,
    form: SamlProviderForm,
    report: Report | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"provider": provider, "form": form, "report": report, "addresses": _addresses(request, provider.slug)}
    return render(request, "saml/provider_edit.html", context, status=status)


@page_requires(Action.MANAGE_SSO)
@require_http_methods(["GET", "POST"])
def provider_edit(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_get_for(actor=request.user, provider_id=provider_id)
    if request.method == "GET":
        return _edit_page(request, provider, SamlProviderForm(provider=provider))
    form = SamlProviderForm(request.POST, request.FILES, provider=provider)
    if not form.is_valid():
        return _edit_page(request, provider, form, status=400)
    services.provider_update(actor=request.user, provider=provider, **form.values())
    messages.success(request, _("The identity provider “%(label)s” is saved.") % {"label": provider.label})
    return redirect("saml:provider", provider_id=provider.pk)


@page_requires(Action.MANAGE_SSO)
@require_POST
def provider_test(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_get_for(actor=request.user, provider_id=provider_id)
    report, fresh = connection_test(provider=provider)
    if fresh:  # newer metadata at its address that works: kept, so that a rolled-over certificate is used
        services.provider_update(actor=request.user, provider=provider, metadata_xml=fresh)
    return _edit_page(request, provider, SamlProviderForm(provider=provider), report=report)


@page_requires(Action.MANAGE_SSO)
@require_POST
def provider_delete(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_get_for(actor=request.user, provider_id=provider_id)
    label = provider.label
    services.provider_delete(actor=request.user, provider=provider)
    messages.success(
        request,
        _("The identity provider “%(label)s” is deleted: its people now sign in another way.") % {"label": label},
    )
    return redirect("saml:providers")
