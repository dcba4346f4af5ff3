"""allauth's adapter: sign-up policy, company domains, and the links and names in its mails."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.core import context
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory

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


class TestMails:
    """Issue 17, point 2: allauth's mails name the network and link to the site's one address, whatever the
    Host header of the request that sent them."""

    @pytest.fixture(autouse=True)
    def _site(self, db: None, settings) -> None:
        settings.SITE_URL = "http://127.0.0.1:8101"
        settings.DEFAULT_FROM_EMAIL = "rse@example.com"
        NetworkSettings.objects.update_or_create(pk=1, defaults={"name": "Atelier Boréal"})

    def _reset(self, client: Client, email: str, **headers: str) -> mail.EmailMessage:
        response = client.post("/accounts/password/reset/", {"email": email}, HTTP_HOST="localhost:9999", **headers)
        assert response.status_code == 302
        assert len(mail.outbox) == 1
        return mail.outbox[0]

    def test_the_reset_mail_greets_with_the_network_and_links_to_the_site(self, client: Client, employee: User) -> None:
        message = self._reset(client, employee.email)
        assert message.body.startswith("Hello from Atelier Boréal!")
        assert message.from_email == "Atelier Boréal <rse@example.com>"
        links = re.findall(r"https?://\S+", message.body)
        assert links[0].startswith("http://127.0.0.1:8101/accounts/password/reset/key/")
        assert "localhost:9999" not in message.body
        # The link opens the form where the new password is chosen.
        response = client.get(links[0].removeprefix("http://127.0.0.1:8101"), follow=True)
        assert response.status_code == 200
        assert b'name="password1"' in response.content

    def test_in_french_too(self, client: Client, employee: User) -> None:
        message = self._reset(client, employee.email, HTTP_ACCEPT_LANGUAGE="fr")
        assert message.body.startswith("Bonjour, c'est Atelier Boréal !")
        assert "http://127.0.0.1:8101/accounts/password/reset/key/" in message.body

    def test_the_address_confirmation_link_names_the_site(self, employee: User) -> None:
        address = EmailAddress.objects.create(user=employee, email="lea@example.org", primary=False, verified=False)
        confirmation = EmailConfirmationHMAC(address)
        request = RequestFactory().get("/", HTTP_HOST="localhost:9999")
        url = AccountAdapter(request).get_email_confirmation_url(request, confirmation)
        assert url == f"http://127.0.0.1:8101/accounts/confirm-email/{confirmation.key}/"

    def test_the_account_already_exists_mail_links_to_the_site(self, employee: User) -> None:
        request = RequestFactory().get("/", HTTP_HOST="localhost:9999")
        with context.request_context(request):
            AccountAdapter(request).send_account_already_exists_mail(employee.email)
        body = mail.outbox[0].body
        assert "http://127.0.0.1:8101/accounts/password/reset/" in body
        assert "localhost:9999" not in body
