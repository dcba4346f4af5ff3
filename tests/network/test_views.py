"""The /manage/ pages: who may open them, and what each one does."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from essaim.accounts import services as account_services
from essaim.accounts.models import Invitation, User
from essaim.network.models import NetworkSettings
from essaim.network.selectors import network_settings
from tests.accounts.factories import AdminFactory, UserFactory

PAGES = ["/manage/", "/manage/invitations/", "/manage/invitations/import/", "/manage/people/", "/manage/network/"]


@pytest.fixture
def admin_client(client: Client, network_admin: User) -> Client:
    client.force_login(network_admin)
    client.cookies["django_language"] = "en"
    return client


class TestPermissionSweep:
    @pytest.mark.parametrize("url", PAGES)
    def test_anonymous_visitors_are_sent_to_sign_in(self, client: Client, db: None, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    @pytest.mark.parametrize("url", PAGES)
    @pytest.mark.parametrize("who", ["guest", "employee"])
    def test_people_without_the_role_get_403(
        self, client: Client, request: pytest.FixtureRequest, who: str, url: str
    ) -> None:
        client.force_login(request.getfixturevalue(who))
        assert client.get(url).status_code == 403

    @pytest.mark.parametrize("url", PAGES)
    def test_network_admins_get_the_page(self, admin_client: Client, url: str) -> None:
        response = admin_client.get(url)
        assert response.status_code == 200
        assert 'class="topbar"' in response.content.decode()

    def test_actions_are_refused_to_employees(self, client: Client, employee: User, colleague: User) -> None:
        client.force_login(employee)
        invitation_count = Invitation.objects.count()
        assert client.post("/manage/invitations/", {"email": "x@example.com"}).status_code == 403
        assert client.post(f"/manage/people/{colleague.pk}/deactivate/").status_code == 403
        assert (
            client.post(f"/manage/people/{colleague.pk}/role/", {"role": "network_admin", "enabled": "on"}).status_code
            == 403
        )
        assert client.post("/manage/network/", {"name": "Hacked"}).status_code == 403
        colleague.refresh_from_db()
        assert colleague.is_active
        assert not colleague.is_network_admin
        assert Invitation.objects.count() == invitation_count

    def test_anonymous_actions_are_sent_to_sign_in(self, client: Client, employee: User) -> None:
        response = client.post(f"/manage/people/{employee.pk}/deactivate/")
        assert response.status_code == 302
        employee.refresh_from_db()
        assert employee.is_active


class TestInvitations:
    def test_invite_someone(self, admin_client: Client, django_capture_on_commit_callbacks) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                "/manage/invitations/",
                {"first_name": "Noé", "last_name": "Nouveau", "email": "noe@example.com", "kind": "employee"},
            )
        assert response.status_code == 302
        assert Invitation.objects.get().email == "noe@example.com"
        assert len(mail.outbox) == 1
        assert re.search(r"http://\S+/accounts/invitation/\S+/", mail.outbox[0].body)
        page = admin_client.get("/manage/invitations/").content.decode()
        assert "noe@example.com" in page
        assert "Invitation sent to noe@example.com" in page

    def test_the_invitation_can_be_written_in_the_invitees_language(
        self, admin_client: Client, django_capture_on_commit_callbacks
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            data = {"first_name": "Noé", "last_name": "N", "email": "noe@example.com", "kind": "employee"}
            admin_client.post("/manage/invitations/", {**data, "language": "fr"})
        assert Invitation.objects.get().language == "fr"
        assert "vous invite à rejoindre" in mail.outbox[0].body  # the inviter reads English

    @pytest.mark.parametrize("url", ["/manage/invitations/", "/manage/network/"])
    def test_forms_have_words_for_labels_and_empty_choices(self, admin_client: Client, url: str) -> None:
        html = admin_client.get(url).text
        assert "---------" not in html
        assert "Choose an option" not in html
        for label in re.findall(r"<label[^>]*>([^<]*)</label>", html):
            assert label.strip()
            assert label.strip()[0].isupper() or not label.strip()[0].isalpha(), label

    def test_an_existing_account_is_a_form_error(self, admin_client: Client, employee: User) -> None:
        response = admin_client.post(
            "/manage/invitations/",
            {"first_name": "Léa", "last_name": "Martin", "email": employee.email, "kind": "employee"},
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert 'id="id_email_error"' in html
        assert "This person already has an account." in html
        assert 'value="Léa"' in html  # what was typed is kept

    def test_a_pending_invitation_is_a_form_error(self, admin_client: Client, network_admin: User) -> None:
        account_services.invitation_send(actor=network_admin, email="noe@example.com")
        response = admin_client.post(
            "/manage/invitations/",
            {"first_name": "N", "last_name": "N", "email": "noe@example.com", "kind": "employee"},
        )
        assert response.status_code == 400
        assert "already waiting" in response.content.decode()

    def test_an_invalid_form_answers_400(self, admin_client: Client) -> None:
        response = admin_client.post("/manage/invitations/", {"email": "not-an-email", "kind": "employee"})
        assert response.status_code == 400
        assert 'class="errorlist"' in response.content.decode()

    def test_revoke_and_resend(
        self, admin_client: Client, network_admin: User, django_capture_on_commit_callbacks
    ) -> None:
        invitation = account_services.invitation_send(actor=network_admin, email="noe@example.com")
        with django_capture_on_commit_callbacks(execute=True):
            assert admin_client.post(f"/manage/invitations/{invitation.pk}/resend/").status_code == 302
        assert len(mail.outbox) == 1
        assert admin_client.post(f"/manage/invitations/{invitation.pk}/revoke/").status_code == 302
        invitation.refresh_from_db()
        assert invitation.revoked_at is not None
        # Resending a withdrawn invitation is refused with a message, not an error page.
        response = admin_client.post(f"/manage/invitations/{invitation.pk}/resend/", follow=True)
        assert "This invitation was revoked" in response.content.decode()

    def test_unknown_invitations_answer_404(self, admin_client: Client) -> None:
        assert admin_client.post("/manage/invitations/999/revoke/").status_code == 404

    def test_the_list_has_a_constant_query_count(
        self, admin_client: Client, network_admin: User, django_assert_max_num_queries
    ) -> None:
        for n in range(15):
            account_services.invitation_send(actor=network_admin, email=f"p{n}@example.com")
        with django_assert_max_num_queries(12):
            assert admin_client.get("/manage/invitations/").status_code == 200


class TestPeople:
    def test_search_finds_people_without_accents(self, admin_client: Client, colleague: User, employee: User) -> None:
        html = admin_client.get("/manage/people/", {"q": "eloise"}).content.decode()
        assert colleague.email in html
        assert employee.email not in html

    @pytest.mark.parametrize("query", ["@eloise", "dupré", "eloise.dup", "dupre eloise"])
    def test_search_by_handle_and_words_in_any_order(
        self, admin_client: Client, colleague: User, employee: User, query: str
    ) -> None:
        html = admin_client.get("/manage/people/", {"q": query}).text
        assert colleague.email in html
        assert employee.email not in html
        assert "1 person matches" in html

    def test_pages_of_fifty_with_a_constant_query_count(self, admin_client: Client) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        UserFactory.create_batch(30)
        admin_client.get("/manage/people/")
        with CaptureQueriesContext(connection) as few:
            assert admin_client.get("/manage/people/").status_code == 200
        UserFactory.create_batch(120)
        with CaptureQueriesContext(connection) as many:
            first = admin_client.get("/manage/people/")
        with CaptureQueriesContext(connection) as last:
            fourth = admin_client.get("/manage/people/", {"page": "4"})
        assert len(few) == len(many) == len(last) <= 10
        assert first.text.count('class="admin-person"') == 50
        assert fourth.text.count('class="admin-person"') == 151 - 150
        assert "151 people." in first.text
        assert 'aria-current="page" aria-label="Page 4 of 4"' in fourth.text

    def test_deactivation_asks_first_then_takes_the_person_out(
        self, admin_client: Client, employee: User, colleague: User
    ) -> None:
        url = f"/manage/people/{colleague.pk}/deactivate/"
        confirm = admin_client.get(url)
        assert confirm.status_code == 200
        assert "no longer be able to sign in" in confirm.content.decode()
        colleague.refresh_from_db()
        assert colleague.is_active
        assert admin_client.post(url).status_code == 302
        colleague.refresh_from_db()
        assert not colleague.is_active
        # Gone from the directory an employee sees, and unable to sign in.
        other = Client()
        other.force_login(employee)
        assert colleague.get_full_name() not in other.get("/people/").content.decode()
        anonymous = Client()
        anonymous.post("/accounts/login/", {"login": colleague.email, "password": "correct-horse-battery-staple"})
        assert "_auth_user_id" not in anonymous.session
        # Reactivation brings them back.
        assert admin_client.post(f"/manage/people/{colleague.pk}/reactivate/").status_code == 302
        colleague.refresh_from_db()
        assert colleague.is_active

    def test_deactivating_oneself_is_refused_with_a_message(self, admin_client: Client, network_admin: User) -> None:
        response = admin_client.post(f"/manage/people/{network_admin.pk}/deactivate/")
        assert response.status_code == 400
        assert "You cannot deactivate your own account." in response.content.decode()

    def test_roles_are_toggled_a_grant_after_a_confirmation(self, admin_client: Client, employee: User) -> None:
        url = f"/manage/people/{employee.pk}/role/"
        asked = admin_client.post(url, {"role": "communication_team", "enabled": "on"})
        assert asked.status_code == 200  # a page that asks first, for browsers without scripts
        assert "Give Léa Martin the role “Communication team”?" in asked.text
        assert 'name="confirmed"' in asked.text
        employee.refresh_from_db()
        assert not employee.is_communication_team
        done = admin_client.post(url, {"role": "communication_team", "enabled": "on", "confirmed": "on"})
        assert done.status_code == 302
        employee.refresh_from_db()
        assert employee.is_communication_team
        assert admin_client.post(url, {"role": "communication_team"}).status_code == 302  # removing asks nothing
        employee.refresh_from_db()
        assert not employee.is_communication_team

    def test_each_role_shows_its_state_and_says_what_pressing_does(self, admin_client: Client, employee: User) -> None:
        employee.is_compliance_officer = True
        employee.save()
        html = admin_client.get("/manage/people/", {"q": "lea"}).text
        held = re.search(r'<button[^>]*aria-pressed="true"[^>]*>(?:(?!</button>).)*</button>', html, re.S)
        assert held is not None
        assert "Compliance officer" in held.group(0)
        assert "held; press to remove" in held.group(0)
        assert "button--secondary" not in held.group(0)  # filled
        assert html.count('aria-pressed="false"') == 2
        assert "not held; press to grant" in html
        assert html.count('data-confirm="role-confirm"') == 2  # grants ask first, in a dialog
        assert '<dialog id="role-confirm"' in html

    def test_guests_are_offered_no_role(self, admin_client: Client, guest: User) -> None:
        html = admin_client.get("/manage/people/", {"q": "gaspard"}).text
        assert guest.email in html
        assert "aria-pressed" not in html

    def test_the_page_comes_back_where_it_was(self, admin_client: Client, employee: User) -> None:
        response = admin_client.post(
            f"/manage/people/{employee.pk}/role/",
            {"role": "communication_team", "enabled": "on", "confirmed": "on", "next": "/manage/people/?q=lea&page=1"},
        )
        assert response["Location"] == "/manage/people/?q=lea&page=1"
        outside = admin_client.post(
            f"/manage/people/{employee.pk}/role/", {"role": "communication_team", "next": "https://evil.example/"}
        )
        assert outside["Location"] == "/manage/people/"

    def test_a_new_admin_can_open_the_administration(self, admin_client: Client, employee: User) -> None:
        admin_client.post(
            f"/manage/people/{employee.pk}/role/", {"role": "network_admin", "enabled": "on", "confirmed": "on"}
        )
        other = Client()
        other.force_login(employee)
        assert other.get("/manage/").status_code == 200


class TestInvitationImport:
    FILE = (
        "\ufeffe-mail;prénom;nom;langue;type\r\n"
        "ana@example.com;Ana;Lima;;\r\n"
        "bo@example.com;Bo;Berg;en;invité\r\n"
        "not-an-email;X;Y;;\r\n"
        "ana@example.com;Ana;Again;;\r\n"
    )

    def _upload(self, client: Client, text: str = FILE, name: str = "equipe.csv", encoding: str = "utf-8"):
        upload = SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
        return client.post("/manage/invitations/import/", {"file": upload})

    def test_upload_preview_then_confirm(
        self, admin_client: Client, employee: User, django_capture_on_commit_callbacks
    ) -> None:
        account_services.invitation_send(actor=User.objects.get(is_network_admin=True), email="wait@example.com")
        text = self.FILE + f"{employee.email};Léa;Martin;;\r\nwait@example.com;W;W;;\r\n"
        response = self._upload(admin_client, text)
        assert response.status_code == 302
        preview_url = response["Location"]
        assert re.fullmatch(r"/manage/invitations/import/\d+/", preview_url)
        mail.outbox.clear()
        html = admin_client.get(preview_url).text
        assert "2 invitations ready to send" in html
        assert "4 lines with errors, left out" in html
        for message in [
            "“not-an-email” is not an e-mail address.",
            "Already on line 2 of this file.",
            "This person already has an account.",
            "An invitation is already waiting for this address.",
        ]:
            assert message in html
        assert "Send 2 invitations" in html
        assert Invitation.objects.count() == 1  # nothing sent until confirmed
        assert not mail.outbox
        with django_capture_on_commit_callbacks(execute=True):
            sent = admin_client.post(preview_url, follow=True)
        assert sent.redirect_chain == [("/manage/invitations/", 302)]
        assert "2 invitations sent. 4 lines left out" in sent.text
        assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.com", "bo@example.com"]
        assert Invitation.objects.get(email="bo@example.com").kind == "guest"
        again = admin_client.post(preview_url, follow=True)
        assert "This file was already sent." in again.text
        assert len(mail.outbox) == 2

    def test_the_preview_names_a_windows_encoding(self, admin_client: Client) -> None:
        response = self._upload(admin_client, "email;prénom\r\nelo@example.com;Éloïse\r\n", encoding="cp1252")
        html = admin_client.get(response["Location"]).text
        assert "Éloïse" in html
        assert "Read as Windows-1252 (Western European)" in html

    def test_a_bad_file_is_answered_next_to_the_field(self, admin_client: Client) -> None:
        response = self._upload(admin_client, "\x00\x01binary", name="photo.csv")
        assert response.status_code == 400
        assert 'id="id_file_error"' in response.text
        assert "This is not a text file." in response.text
        empty = admin_client.post("/manage/invitations/import/", {})
        assert empty.status_code == 400
        assert "This field is required." in empty.text

    def test_a_file_too_large_is_refused_before_reading(
        self, admin_client: Client, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from essaim.network import forms

        monkeypatch.setattr(forms, "MAX_BYTES", 10)
        response = self._upload(admin_client)
        assert response.status_code == 400
        assert "larger than 0 KB" in response.text

    def test_another_administrators_file_is_not_found(self, admin_client: Client) -> None:
        preview_url = self._upload(admin_client)["Location"]
        other = Client()
        other.force_login(AdminFactory())
        assert other.get(preview_url).status_code == 404
        assert other.post(preview_url).status_code == 404
        assert not Invitation.objects.exists()

    def test_the_preview_has_a_constant_query_count(self, admin_client: Client, django_assert_max_num_queries) -> None:
        lines = "".join(f"p{n}@example.com;P;{n}\r\n" for n in range(200))
        preview_url = self._upload(admin_client, lines)["Location"]
        with django_assert_max_num_queries(12):  # with the spaces menu's count (issue 17 item 8) and the bell's
            html = admin_client.get(preview_url).text
        assert "200 invitations ready to send" in html


def png_upload(size: tuple[int, int] = (600, 400)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "#336699").save(out, format="PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


class TestNetworkSettings:
    def _data(self, **changes: object) -> dict[str, object]:
        return {
            "name": "Ruche",
            "accent_color": "#aa3300",
            "signup_open": "on",
            "signup_domains": "@Example.com; example.fr",
            "guests_allowed": "",
            **changes,
        }

    def test_saving_changes_what_everyone_sees(self, admin_client: Client, django_capture_on_commit_callbacks) -> None:
        network_settings()  # warm the cache
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post("/manage/network/", self._data(logo_upload=png_upload()))
        assert response.status_code == 302
        current = network_settings()
        assert (current.name, current.accent_color, current.signup_open) == ("Ruche", "#aa3300", True)
        assert current.signup_domain_list == ["example.com", "example.fr"]
        assert not current.guests_allowed
        assert current.logo.name.endswith(".png") or current.logo.name.endswith(".jpg")
        assert current.logo.width <= 256
        page = admin_client.get("/manage/").content.decode()
        assert "Ruche" in page
        assert "--accent: #aa3300" in page

    def test_a_file_that_is_not_an_image_is_refused(self, admin_client: Client) -> None:
        fake = SimpleUploadedFile("logo.png", b"<html>not an image</html>", content_type="image/png")
        response = admin_client.post("/manage/network/", self._data(logo_upload=fake))
        assert response.status_code == 400
        assert "not an image we can read" in response.content.decode()
        assert not NetworkSettings.objects.filter(name="Ruche").exists()

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("accent_color", "red", "Use a colour such as"),
            ("signup_domains", "not a domain", "These are not e-mail domains"),
            ("name", "", "This field is required"),
        ],
    )
    def test_bad_values_are_answered_next_to_the_field(
        self, admin_client: Client, field: str, value: str, message: str
    ) -> None:
        response = admin_client.post("/manage/network/", self._data(**{field: value}))
        assert response.status_code == 400
        html = response.content.decode()
        assert f'id="id_{field}_error"' in html
        assert message in html
