"""How django-allauth behaves in Essaim: sign-up policy, company domains, account creation, and its mails.

allauth builds its mails' links from the request (its Host header) and names the site after it
("Hello from 127.0.0.1:8101!"); here every mail names the network and links to the site's one
address instead (``essaim.network.site``), whatever Host the request came with.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailConfirmation
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from essaim.accounts.models import User
from essaim.network import site


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Too many failed sign-in attempts for this account. Wait 30 minutes, or reset your password."
        ),
    }

    def get_login_stages(self) -> list[str]:
        """allauth's steps, its second-factor step replaced by Essaim's (``accounts.stages``)."""
        ours = "essaim.accounts.stages.AuthenticateStage"
        return [
            ours if stage == "allauth.mfa.stages.AuthenticateStage" else stage for stage in super().get_login_stages()
        ]

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Failed sign-ins are counted per account alone: allauth prefixes the site's domain, which is
        the request's ``Host`` with its port when ``django.contrib.sites`` is absent, so seven wrong
        passwords sent with seven ports were seven first attempts."""
        login = credentials.get("email", credentials.get("username", ""))
        return f"account:{User.objects.normalize_email(str(login)).strip().lower()}"

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        """A company directory that could not be reached is said so, not taken for a wrong password
        (``ldap.backend``): the person waits or tells their IT department rather than trying again and again."""
        from essaim.ldap.backend import UNREACHABLE_FLAG

        super().authentication_failed(request, **credentials)
        if getattr(request, UNREACHABLE_FLAG, False):
            raise ValidationError(
                _(
                    "The company directory cannot be reached right now, so your directory password cannot be "
                    "checked. Try again in a few minutes; if it lasts, tell your IT department."
                ),
                code="directory_unreachable",
            )

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        """A suspended account (``moderation``) is told why and until when, and is not signed in."""
        from allauth.account.internal.stagekit import clear_login

        from essaim.moderation.selectors import suspension_for

        suspension = suspension_for(user=user)
        if suspension is not None:
            clear_login(request)
            return render(request, "moderation/suspended.html", {"suspension": suspension}, status=403)
        return super().pre_login(request, user, **kwargs)

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        """A sign-in through the company's identity provider fills the profile from its claims and, when its
        ID token proves a second factor, satisfies the two-factor policy (``essaim.oidc``)."""
        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        if sociallogin is not None:
            from essaim.oidc.adapter import social_login_completed

            social_login_completed(request, user, sociallogin)
        return super().post_login(request, user, **kwargs)

    def logout(self, request: HttpRequest) -> None:
        """Signing out after a SAML sign-in goes on at the identity provider (``essaim.saml.logout``)."""
        from essaim.saml import logout as saml_logout

        remembered = saml_logout.take(request)
        super().logout(request)
        saml_logout.keep(request, remembered)

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        from essaim.saml import logout as saml_logout

        if saml_logout.pending(request):
            return reverse("saml_signed_out")
        return str(super().get_logout_redirect_url(request))

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        from essaim.network.selectors import network_settings

        return network_settings().signup_open

    def clean_email(self, email: str) -> str:
        """When sign-up is open to company domains only, new addresses must belong to one of them.

        Addresses that already have an account (password reset, sign-in) are never refused here.
        """
        from essaim.accounts.services import email_taken
        from essaim.network.selectors import network_settings

        email = super().clean_email(email)
        network = network_settings()
        domains = network.signup_domain_list
        if not (network.signup_open and domains) or email_taken(email):
            return email
        domain = email.rsplit("@", 1)[-1].lower()
        if domain not in domains:
            raise ValidationError(
                _("Sign-up is reserved for company addresses (%(domains)s). Use your work e-mail address.")
                % {"domains": ", ".join(f"@{d}" for d in domains)},
                code="domain_not_allowed",
            )
        return email

    def save_user(self, request: HttpRequest, user: Any, form: BaseForm, commit: bool = True) -> User:
        """Every self sign-up goes through ``services.user_create`` (profile included)."""
        from essaim.accounts import services

        data = form.cleaned_data
        language = getattr(request, "LANGUAGE_CODE", "")
        return services.user_create(
            email=data["email"],
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            password=data.get("password1"),
            language=language if language in dict(settings.LANGUAGES) else "",
            email_address=False,  # allauth's setup_user_email creates it (and asks for verification)
        )

    # --- Mails: the network's name and the site's address, never the request's Host.

    def get_from_email(self) -> str:
        return site.sender()

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's ``send_mail`` with ``current_site`` (its templates' greeting and signature) naming the network."""
        from allauth.core import context as allauth_context

        ctx: dict[str, Any] = {"request": allauth_context.request, "email": email, **site.mail_context(), **context}
        self.render_mail(template_prefix, email, ctx).send()

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site.absolute_url(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request: HttpRequest | None, emailconfirmation: EmailConfirmation) -> str:
        return site.absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_account_already_exists_mail(self, email: str) -> None:
        self.send_mail(
            "account/email/account_already_exists",
            email,
            {
                "signup_url": site.absolute_url(reverse("account_signup")),
                "password_reset_url": site.absolute_url(reverse("account_reset_password")),
            },
        )


class MFAAdapter(DefaultMFAAdapter):
    """Nobody removes their last authenticator app or passkey while the network requires one of them."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "The network requires two-factor authentication for your account: add a passkey or another "
            "authenticator before removing this one."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        from essaim.accounts import two_factor
        from essaim.network.selectors import network_settings

        if not two_factor.concerned(authenticator.user, network_settings().two_factor_required):
            return True
        others = Authenticator.objects.filter(user_id=authenticator.user_id).exclude(pk=authenticator.pk)
        return others.exclude(type=Authenticator.Type.RECOVERY_CODES).exists()
