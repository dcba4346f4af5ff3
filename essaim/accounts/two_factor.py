"""The network's two-factor policy: who must have a second factor, and what proves one.

A network administrator chooses in /manage/network/ who must use two-factor authentication
(``NetworkSettings.two_factor_required``): nobody (optional), the people holding a network role
(network administrators, the communication team, compliance officers), or everyone. A person the
policy concerns who has no authenticator yet (an authenticator app or a passkey; recovery codes
alone do not count) is sent to ``/accounts/two-factor/`` by ``TwoFactorMiddleware`` before anything
else; their API tokens, personal or an app's, are refused with 403 until they have one (they keep
working again once it is set up: nothing is revoked).

A sign-in through a company's identity provider counts as two-factor when the provider says so in
its ID token (``claims_prove_mfa``): the sign-in then calls ``mark_verified_by_idp`` and the session
is not asked for an authenticator of Essaim's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from essaim.access import roles

SESSION_IDP_KEY = "two_factor.verified_by_idp"
API_PREFIX = "/api/"
EXEMPT = (
    "/accounts/two-factor/",
    "/accounts/2fa/",  # allauth's pages: set up an authenticator app, a passkey, recovery codes
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/accounts/confirm-email/",
    "/accounts/email/",  # allauth adds a factor only to an account whose addresses are confirmed
    "/accounts/language/",
    "/i18n/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/favicon.ico",
)

# RFC 8176 authentication method references that are a second factor, or a factor that is itself
# two (a hardware key with a PIN, biometrics): "mfa" says it outright.
MFA_AMR_VALUES = frozenset({"mfa", "otp", "hwk", "swk", "fpt", "face", "iris", "retina", "vbm", "sc", "pop"})


def concerned(user: Any, policy: str) -> bool:
    """Whether the policy (``optional``, ``roles`` or ``everyone``) asks ``user`` for a second factor."""
    if policy == "everyone":
        return roles.is_signed_in(user)
    if policy == "roles":
        return roles.is_network_admin(user) or roles.is_communication_team(user) or roles.is_compliance_officer(user)
    return False


def has_authenticator(user: Any) -> bool:
    """An authenticator app or a passkey (recovery codes are only a way back to one)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.RECOVERY_CODES).exists()


def must_enrol(request: HttpRequest | None, user: Any) -> bool:
    """Whether ``user`` must set up a second factor before using the network (one query when concerned)."""
    from essaim.network.selectors import network_settings

    if not concerned(user, network_settings().two_factor_required):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_IDP_KEY):
        return False
    return not has_authenticator(user)


def has_unconfirmed_address(user: Any) -> bool:
    """allauth refuses a new factor while one of the person's e-mail addresses is unconfirmed."""
    from allauth.account.models import EmailAddress

    return not settings.MFA_ALLOW_UNVERIFIED_EMAIL and EmailAddress.objects.filter(user=user, verified=False).exists()


def mark_verified_by_idp(request: HttpRequest) -> None:
    """For the SSO sign-in: this session's identity provider proved a second factor (``claims_prove_mfa``)."""
    request.session[SESSION_IDP_KEY] = True


def claims_prove_mfa(claims: Mapping[str, Any], *, acr_values: Iterable[str] | None = None) -> bool:
    """Whether an OpenID Connect ID token's claims say the person used more than one factor.

    ``amr`` (a list, RFC 8176) naming ``mfa``, a one-time code, a hardware or software key, or
    biometrics proves it; so does an ``acr`` listed in ``acr_values`` (by default
    ``settings.SSO_MFA_ACR_VALUES``, since ``acr`` values are each provider's own). Anything else,
    including missing or malformed claims, does not.
    """
    amr = claims.get("amr")
    if isinstance(amr, str):
        amr = [amr]
    if isinstance(amr, list) and any(isinstance(v, str) and v.lower() in MFA_AMR_VALUES for v in amr):
        return True
    accepted = set(settings.SSO_MFA_ACR_VALUES if acr_values is None else acr_values)
    acr = claims.get("acr")
    return isinstance(acr, str) and acr in accepted


def refusal_words(request: HttpRequest) -> tuple[str, str]:
    url = request.build_absolute_uri(reverse("accounts:two-factor"))
    return _("Set up two-factor authentication first"), _(
        "This network requires two-factor authentication for your account: set up an authenticator app "
        "or a passkey at %(url)s, then try again."
    ) % {"url": url}


def _exempt(path: str) -> bool:
    return path.startswith(EXEMPT) or path.startswith(
        (settings.STATIC_URL or "/static/", settings.MEDIA_URL or "/media/")
    )


class TwoFactorMiddleware:
    """Someone who must set up a second factor is sent to do so from every page but those needed for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not roles.is_signed_in(user) or _exempt(request.path) or not must_enrol(request, user):
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            if "authorization" in request.headers:  # the token's authentication decides (essaim.api.auth)
                return self.get_response(request)
            error, description = refusal_words(request)
            return JsonResponse({"error": error, "error_description": description}, status=403)
        if "text/event-stream" in request.headers.get("Accept", ""):
            return HttpResponse(status=204)
        target = reverse("accounts:two-factor")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
