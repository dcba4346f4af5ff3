"""allauth's adapter: sign-up policy and company domains."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from essaim.accounts.adapter import AccountAdapter
from essaim.accounts.models import User
from essaim.network.models import NetworkSettings


def adapter() -> AccountAdapter:
    return AccountAdapter(RequestFactory().get("/"))


class TestSignupOpen:
    def test_closed_by_default(self, db: None) -> None:
        assert adapter().is_open_for_signup(RequestFactory().get("/")) is False

    def test_open_when_the_administrators_say_so(self, db: None) -> None:
        NetworkSettings.objects.update_or_create(pk=1, defaults={"signup_open": True})
        assert adapter().is_open_for_signup(RequestFactory().get("/")) is True


class TestCleanEmail:
    def test_any_domain_when_no_domain_is_listed(self, db: None) -> None:
        NetworkSettings.objects.update_or_create(pk=1, defaults={"signup_open": True, "signup_domains": ""})
        assert adapter().clean_email("x@gmail.com") == "x@gmail.com"

    def test_other_domains_are_refused_when_domains_are_listed(self, db: None) -> None:
        NetworkSettings.objects.update_or_create(pk=1, defaults={"signup_open": True, "signup_domains": "example.com"})
        assert adapter().clean_email("x@example.com") == "x@example.com"
        with pytest.raises(ValidationError) as error:
            adapter().clean_email("x@example.com.evil.org")
        assert error.value.code == "domain_not_allowed"

    def test_existing_accounts_are_never_refused(self, guest: User) -> None:
        """A guest from a partner's domain can still reset their password."""
        NetworkSettings.objects.update_or_create(pk=1, defaults={"signup_open": True, "signup_domains": "corp.fr"})
        assert adapter().clean_email(guest.email) == guest.email

    def test_domains_do_not_matter_while_sign_up_is_closed(self, db: None) -> None:
        NetworkSettings.objects.update_or_create(pk=1, defaults={"signup_open": False, "signup_domains": "corp.fr"})
        assert adapter().clean_email("x@gmail.com") == "x@gmail.com"
