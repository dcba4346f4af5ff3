from __future__ import annotations

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.accounts import selectors, services
from essaim.accounts.forms import InvitationAcceptForm, LanguageForm, PreferencesForm
from essaim.accounts.models import User


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    form = PreferencesForm(request.POST or None, instance=user)
    if request.method == "POST":
        if form.is_valid():
            services.user_preferences_update(
                actor=user,
                user=user,
                language=form.cleaned_data["language"],
                timezone=form.cleaned_data["timezone"],
                theme=form.cleaned_data["theme"],
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


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation's link opens: choose a password, then you are in."""
    invitation = selectors.invitation_get_by_token(token=token)
    if invitation is None:
        return _invitation_unusable(request, status=404)
    if invitation.accepted_at is not None:
        return _invitation_unusable(request, status=410, reason="used")
    if invitation.revoked_at is not None:
        return _invitation_unusable(request, status=410, reason="revoked")
    if not invitation.is_pending:
        return _invitation_unusable(request, status=410, reason="expired")
    form = InvitationAcceptForm(request.POST or None, invitation=invitation)
    context = {"form": form, "invitation": invitation}
    if request.method != "POST":
        return render(request, "accounts/invitation_accept.html", context)
    if not form.is_valid():
        return render(request, "accounts/invitation_accept.html", context, status=400)
    language = getattr(request, "LANGUAGE_CODE", "")
    try:
        user = services.invitation_accept(
            token=token,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            password=form.cleaned_data["password1"],
            language=language if language in dict(django_settings.LANGUAGES) else "",
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return render(request, "accounts/invitation_accept.html", context, status=400)
    login(request, user, backend="essaim.accounts.backends.ModelBackend")
    messages.success(request, _("Welcome, %(name)s! Your account is ready.") % {"name": user.first_name})
    return HttpResponseRedirect("/")


def _invitation_unusable(request: HttpRequest, *, status: int, reason: str = "") -> HttpResponse:
    return render(request, "accounts/invitation_unusable.html", {"reason": reason}, status=status)


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Why a second factor is asked for, and the two ways to set one up (``essaim.accounts.two_factor``)."""
    from essaim.accounts import two_factor as policy

    required = policy.must_enrol(request, request.user)
    context = {
        "required": required,
        "has_authenticator": policy.has_authenticator(request.user),
        "unconfirmed": policy.has_unconfirmed_address(request.user),
    }
    return render(request, "accounts/two_factor.html", context)
