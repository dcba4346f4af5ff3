"""How django-allauth behaves in Essaim: sign-up policy, company domains, account creation."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from essaim.accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Too many failed sign-in attempts for this account. Wait 30 minutes, or reset your password."
        ),
    }

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Failed sign-ins are counted per account alone: allauth prefixes the site's domain, which is
        the request's ``Host`` with its port when ``django.contrib.sites`` is absent, so seven wrong
        passwords sent with seven ports were seven first attempts."""
        login = credentials.get("email", credentials.get("username", ""))
        return f"account:{User.objects.normalize_email(str(login)).strip().lower()}"

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
