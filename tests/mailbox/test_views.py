"""The outbox under /manage/outbox/: the list, a message, and its HTML part in a sandbox."""

from __future__ import annotations

import pytest
from django.test import Client

from essaim.accounts.models import User
from tests.mailbox.factories import OutboxMessageFactory

OUTBOX = {"default": {"BACKEND": "essaim.mailbox.backends.OutboxBackend", "OPTIONS": {"console": False}}}


@pytest.fixture
def admin_client(client: Client, network_admin: User) -> Client:
    client.force_login(network_admin)
    client.cookies["django_language"] = "en"
    return client


class TestList:
    def test_lists_the_newest_first_with_date_recipients_and_subject(self, admin_client: Client) -> None:
        first = OutboxMessageFactory(subject="First", recipients="lea@example.com")
        second = OutboxMessageFactory(subject="Second", recipients="noe@example.com, eve@example.com")
        page = admin_client.get("/manage/outbox/").content.decode()
        assert page.index("Second") < page.index("First")
        assert f'href="/manage/outbox/{first.pk}/"' in page
        assert f'href="/manage/outbox/{second.pk}/"' in page
        assert "noe@example.com, eve@example.com" in page
        assert "<time" in page

    def test_an_empty_outbox_says_what_it_is_for(self, admin_client: Client, settings) -> None:
        settings.MAILERS = OUTBOX
        page = admin_client.get("/manage/outbox/").content.decode()
        assert "No e-mail sent yet" in page

    def test_with_a_mail_server_it_says_nothing_is_kept(self, admin_client: Client, settings) -> None:
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
        page = admin_client.get("/manage/outbox/").content.decode()
        assert "through your mail server" in page

    def test_pages_of_fifty(self, admin_client: Client) -> None:
        OutboxMessageFactory.create_batch(51)
        page = admin_client.get("/manage/outbox/").content.decode()
        assert page.count('class="outbox__subject"') == 50
        assert "?page=2" in page
        assert admin_client.get("/manage/outbox/?page=2").content.decode().count('class="outbox__subject"') == 1

    def test_a_constant_query_count(self, admin_client: Client, django_assert_max_num_queries) -> None:
        OutboxMessageFactory.create_batch(3)
        admin_client.get("/manage/outbox/")
        OutboxMessageFactory.create_batch(20)
        with django_assert_max_num_queries(8):
            admin_client.get("/manage/outbox/")

    def test_the_administration_menu_links_to_it_when_mail_is_kept(self, admin_client: Client, settings) -> None:
        settings.MAILERS = OUTBOX
        assert 'href="/manage/outbox/"' in admin_client.get("/manage/").content.decode()
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
        assert 'href="/manage/outbox/"' not in admin_client.get("/manage/").content.decode()


class TestMessage:
    def test_the_text_part_with_clickable_links(self, admin_client: Client) -> None:
        message = OutboxMessageFactory(
            subject="You are invited to join Atelier Boréal",
            text="Hello <Noé>,\n\nOpen http://127.0.0.1:8101/accounts/invitation/abc/ to join.\n",
        )
        response = admin_client.get(f"/manage/outbox/{message.pk}/")
        page = response.content.decode()
        assert response.status_code == 200
        assert "<h1>You are invited to join Atelier Boréal</h1>" in page
        assert 'href="http://127.0.0.1:8101/accounts/invitation/abc/"' in page
        assert "Hello &lt;Noé&gt;" in page  # the text is escaped
        assert message.recipients in page
        assert "<iframe" not in page

    def test_the_html_part_is_framed_in_a_sandbox(self, admin_client: Client) -> None:
        message = OutboxMessageFactory(html="<p>Hi</p>")
        page = admin_client.get(f"/manage/outbox/{message.pk}/").content.decode()
        assert f'src="/manage/outbox/{message.pk}/html/"' in page
        assert 'sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"' in page
        assert "allow-scripts" not in page
        assert "allow-same-origin" not in page

    def test_the_html_part_runs_nothing_and_opens_links_in_the_page(self, admin_client: Client) -> None:
        html = '<html><head><title>x</title></head><body style="color: red"><script>alert(1)</script><a href="http://127.0.0.1:8101/x/">x</a></body></html>'
        message = OutboxMessageFactory(html=html)
        response = admin_client.get(f"/manage/outbox/{message.pk}/html/")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/html; charset=utf-8"
        csp = response["Content-Security-Policy"]
        assert "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" in csp
        assert "default-src 'none'" in csp
        assert "script-src" not in csp  # default-src 'none' forbids scripts
        assert "style-src 'unsafe-inline'" in csp  # mails style themselves inline
        assert "frame-ancestors 'self'" in csp
        assert response["X-Frame-Options"] == "SAMEORIGIN"
        body = response.content.decode()
        assert body.startswith('<html><head><base target="_top">')
        assert body.endswith(html.removeprefix("<html><head>"))

    def test_a_message_without_html_has_no_html_part(self, admin_client: Client) -> None:
        message = OutboxMessageFactory(html="")
        assert admin_client.get(f"/manage/outbox/{message.pk}/html/").status_code == 404

    def test_an_unknown_message_answers_404(self, admin_client: Client, db: None) -> None:
        assert admin_client.get("/manage/outbox/999/").status_code == 404
        assert admin_client.get("/manage/outbox/999/html/").status_code == 404
