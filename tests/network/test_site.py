"""The one source of the site's address and the network's name for e-mails and absolute links."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMessage

from essaim.network import site
from essaim.network.models import NetworkSettings


@pytest.fixture
def named(db: None) -> NetworkSettings:
    return NetworkSettings.objects.update_or_create(pk=1, defaults={"name": "Atelier Boréal"})[0]


class TestAddress:
    def test_absolute_links_start_with_the_site_address(self, settings) -> None:
        settings.SITE_URL = "http://127.0.0.1:8101"
        assert site.site_url() == "http://127.0.0.1:8101"
        assert site.absolute_url("/accounts/login/") == "http://127.0.0.1:8101/accounts/login/"

    def test_a_path_without_its_slash_is_joined_with_one(self, settings) -> None:
        settings.SITE_URL = "https://rse.example.com"
        assert site.absolute_url("spaces/") == "https://rse.example.com/spaces/"

    def test_an_absolute_url_is_left_alone(self, settings) -> None:
        settings.SITE_URL = "https://rse.example.com"
        assert site.absolute_url("https://other.example.org/x") == "https://other.example.org/x"


class TestName:
    def test_the_network_name_is_the_administrators_choice(self, named: NetworkSettings) -> None:
        assert site.network_name() == "Atelier Boréal"

    def test_mails_come_from_the_network_by_name(self, named: NetworkSettings, settings) -> None:
        settings.DEFAULT_FROM_EMAIL = "Essaim <rse@example.com>"
        assert site.sender() == "Atelier Boréal <rse@example.com>"

    def test_a_name_with_a_comma_is_quoted(self, db: None, settings) -> None:
        NetworkSettings.objects.update_or_create(pk=1, defaults={"name": "Boréal, Lyon"})
        settings.DEFAULT_FROM_EMAIL = "rse@example.com"
        sender = site.sender()
        assert sender == '"Boréal, Lyon" <rse@example.com>'
        message = EmailMessage("s", "b", sender, ["x@example.com"]).message()
        assert "rse@example.com" in message["From"]

    def test_the_mail_context_names_the_network_and_its_address(self, named: NetworkSettings, settings) -> None:
        settings.SITE_URL = "http://127.0.0.1:8101"
        context = site.mail_context()
        assert context["network_name"] == "Atelier Boréal"
        assert context["site_url"] == "http://127.0.0.1:8101"
        assert context["current_site"].name == "Atelier Boréal"  # what allauth's mail templates read
        assert context["current_site"].domain == "http://127.0.0.1:8101"
