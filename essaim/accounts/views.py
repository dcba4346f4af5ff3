from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.accounts import services
from essaim.accounts.forms import LanguageForm, PreferencesForm


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            services.user_preferences_update(
                actor=request.user,
                user=request.user,
                language=form.cleaned_data["language"],
                timezone=form.cleaned_data["timezone"],
            )
            translation.activate(form.cleaned_data["language"] or translation.get_language())
            messages.success(request, _("Your preferences are saved."))
            return HttpResponseRedirect(request.path)
        return render(request, "accounts/settings.html", {"form": form}, status=400)
    return render(request, "accounts/settings.html", {"form": form})


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch language: saved on the account when signed in, in a cookie otherwise."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if not form.is_valid():
        return response
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_preferences_update(
            actor=request.user, user=request.user, language=language, timezone=request.user.timezone
        )
    response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax")
    return response
