"""Account writes: creating people, invitations, deactivation and roles."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from essaim.accounts import services
from essaim.accounts.models import Invitation, InvitationBatch, User
from essaim.api import selectors as api_selectors
from essaim.api import services as api_services
from essaim.network.models import NetworkSettings
from essaim.network.selectors import network_settings
from essaim.people.models import Profile
from tests.accounts.factories import PASSWORD, AdminFactory, UserFactory

STRONG = "violet-tandem-harbour-42"
ROOT = Path(__file__).resolve().parent.parent.parent


def link_token(message: mail.EmailMessage) -> str:
    line = next(line for line in message.body.splitlines() if "/accounts/invitation/" in line)
    return line.rstrip("/").rsplit("/", 1)[-1]


class TestUserCreate:
    def test_creates_the_person_with_a_profile_a_handle_and_an_email_address(self, db: None) -> None:
        user = services.user_create(email="Eloise@Example.COM", first_name="Éloïse", last_name="Dupré", password=STRONG)
        assert user.email == "eloise@example.com"
        assert user.handle == "eloise.dupre"
        assert user.check_password(STRONG)
        assert user.profile.search_key == "eloise dupre eloise.dupre"
        assert user.profile.sort_key == "dupre eloise"
        assert EmailAddress.objects.get(user=user).email == "eloise@example.com"

    def test_a_second_namesake_gets_a_distinct_handle(self, db: None) -> None:
        first = services.user_create(email="a@example.com", first_name="Léa", last_name="Martin", password=STRONG)
        second = services.user_create(email="b@example.com", first_name="Léa", last_name="Martin", password=STRONG)
        assert (first.handle, second.handle) == ("lea.martin", "lea.martin2")

    def test_an_address_already_in_use_is_refused(self, employee: User) -> None:
        with pytest.raises(ValidationError) as error:
            services.user_create(email=employee.email.upper(), first_name="X", last_name="Y", password=STRONG)
        assert "email" in error.value.message_dict


class TestUserCreateFirstSteps:
    def test_a_new_account_shows_the_first_steps(self, db: None) -> None:
        user = services.user_create(email="new@example.com", first_name="N", last_name="N", password=STRONG)
        assert Profile.objects.get(user=user).first_steps_open

    def test_people_already_here_do_not_see_them(self, employee: User) -> None:
        assert not Profile.objects.get(user=employee).first_steps_open


class TestPreferences:
    def test_the_theme_is_saved_with_the_language_and_time_zone(self, employee: User) -> None:
        services.user_preferences_update(
            actor=employee, user=employee, language="fr", timezone="Europe/Paris", theme=User.Theme.DARK
        )
        employee.refresh_from_db()
        assert (employee.language, employee.theme) == ("fr", "dark")

    def test_leaving_the_theme_out_keeps_it(self, employee: User) -> None:
        services.user_preferences_update(actor=employee, user=employee, language="", timezone="UTC", theme="light")
        services.user_preferences_update(actor=employee, user=employee, language="en", timezone="UTC")
        employee.refresh_from_db()
        assert employee.theme == "light"

    def test_an_unknown_theme_is_refused(self, employee: User) -> None:
        with pytest.raises(ValidationError):
            services.user_preferences_update(actor=employee, user=employee, language="", timezone="UTC", theme="pink")

    def test_nobody_changes_someone_elses(self, employee: User, colleague: User) -> None:
        with pytest.raises(PermissionDenied):
            services.user_preferences_update(actor=employee, user=colleague, language="", timezone="UTC", theme="dark")


class TestInvitationSend:
    def test_stores_only_a_hash_and_emails_the_link(
        self, network_admin: User, django_capture_on_commit_callbacks
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_send(
                actor=network_admin, email="New@Example.com", first_name="Noé", last_name="Nouveau"
            )
        assert invitation.email == "new@example.com"
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["new@example.com"]
        token = link_token(message)
        assert token not in invitation.token_hash
        assert invitation.token_hash == services.token_hash(token)
        assert f"/accounts/invitation/{token}/" in message.body
        assert "Noé" in message.body

    def test_no_email_leaves_before_the_transaction_commits(self, network_admin: User) -> None:
        services.invitation_send(actor=network_admin, email="new@example.com")
        assert mail.outbox == []

    def test_employees_cannot_invite(self, employee: User) -> None:
        with pytest.raises(PermissionDenied):
            services.invitation_send(actor=employee, email="new@example.com")

    def test_an_address_with_an_account_is_refused(self, network_admin: User, employee: User) -> None:
        with pytest.raises(ValidationError) as error:
            services.invitation_send(actor=network_admin, email=employee.email)
        assert error.value.message_dict["email"] == ["This person already has an account."]

    def test_an_address_with_a_pending_invitation_is_refused(self, network_admin: User) -> None:
        services.invitation_send(actor=network_admin, email="new@example.com")
        with pytest.raises(ValidationError) as error:
            services.invitation_send(actor=network_admin, email="NEW@example.com")
        assert "already waiting" in error.value.message_dict["email"][0]

    def test_an_expired_invitation_does_not_block_a_new_one(self, network_admin: User) -> None:
        old = services.invitation_send(actor=network_admin, email="new@example.com")
        Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
        assert services.invitation_send(actor=network_admin, email="new@example.com").pk != old.pk

    def test_guests_cannot_be_invited_when_the_network_refuses_them(self, network_admin: User) -> None:
        NetworkSettings.objects.update_or_create(pk=1, defaults={"guests_allowed": False})
        with pytest.raises(ValidationError) as error:
            services.invitation_send(actor=network_admin, email="ext@partner.org", kind=User.Kind.GUEST)
        assert "kind" in error.value.message_dict


class TestInvitationMail:
    """Issue 17, point 2: the link names the site's one address and the mail the network."""

    def test_the_link_follows_the_bind_when_no_site_url_is_set(self, tmp_path) -> None:
        code = (
            "import django; django.setup(); from essaim.accounts.services import invitation_url; "
            "print(invitation_url('TOKEN'))"
        )
        environment = {k: v for k, v in os.environ.items() if not k.startswith("ESSAIM_")}
        environment.update(ESSAIM_DATA_DIR=str(tmp_path), ESSAIM_BIND="127.0.0.1:8101")
        environment["DJANGO_SETTINGS_MODULE"] = "essaim.settings"
        result = subprocess.run(  # noqa: S603 - this interpreter, code from this file
            [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "http://127.0.0.1:8101/accounts/invitation/TOKEN/"

    def test_the_mail_comes_from_the_network_and_links_to_the_site(
        self, network_admin: User, settings, django_capture_on_commit_callbacks
    ) -> None:
        settings.SITE_URL = "http://127.0.0.1:8101"
        settings.DEFAULT_FROM_EMAIL = "Essaim <rse@example.com>"
        NetworkSettings.objects.update_or_create(pk=1, defaults={"name": "Atelier Boréal"})
        with django_capture_on_commit_callbacks(execute=True):
            services.invitation_send(actor=network_admin, email="new@example.com")
        message = mail.outbox[0]
        assert message.from_email == "Atelier Boréal <rse@example.com>"
        assert "Atelier Boréal" in message.subject
        assert f"http://127.0.0.1:8101/accounts/invitation/{link_token(message)}/" in message.body


class TestInvitationResendAndRevoke:
    def test_resend_replaces_the_link_and_renews_the_validity(
        self, network_admin: User, django_capture_on_commit_callbacks
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_send(actor=network_admin, email="new@example.com")
        first_hash = invitation.token_hash
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
        invitation.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            services.invitation_resend(actor=network_admin, invitation=invitation)
        invitation.refresh_from_db()
        assert invitation.token_hash != first_hash
        assert invitation.is_pending
        assert len(mail.outbox) == 2
        assert services.token_hash(link_token(mail.outbox[1])) == invitation.token_hash

    def test_revoked_invitations_cannot_be_accepted(self, network_admin: User) -> None:
        invitation = services.invitation_send(actor=network_admin, email="new@example.com")
        services.invitation_revoke(actor=network_admin, invitation=invitation)
        invitation.refresh_from_db()
        assert invitation.revoked_at is not None
        assert not invitation.is_pending
        with pytest.raises(ValidationError):
            services.invitation_resend(actor=network_admin, invitation=invitation)

    def test_employees_cannot_revoke(self, network_admin: User, employee: User) -> None:
        invitation = services.invitation_send(actor=network_admin, email="new@example.com")
        with pytest.raises(Http404):  # an employee does not even see invitations
            services.invitation_revoke(actor=employee, invitation=invitation)


class TestInvitationAccept:
    def _invite(self, admin: User, capture, **kwargs: str) -> str:
        with capture(execute=True):
            services.invitation_send(actor=admin, email="new@example.com", **kwargs)
        return link_token(mail.outbox[-1])

    def test_creates_the_invited_person(self, network_admin: User, django_capture_on_commit_callbacks) -> None:
        token = self._invite(network_admin, django_capture_on_commit_callbacks, kind=User.Kind.GUEST)
        user = services.invitation_accept(token=token, first_name="Noé", last_name="Nouveau", password=STRONG)
        assert user.kind == User.Kind.GUEST
        assert user.profile.pk is not None
        assert EmailAddress.objects.get(user=user).verified
        invitation = Invitation.objects.get()
        assert invitation.accepted_at is not None
        assert invitation.user == user

    def test_a_weak_password_is_refused(self, network_admin: User, django_capture_on_commit_callbacks) -> None:
        token = self._invite(network_admin, django_capture_on_commit_callbacks)
        with pytest.raises(ValidationError):
            services.invitation_accept(token=token, first_name="Noé", last_name="Nouveau", password="password")
        assert not User.objects.filter(email="new@example.com").exists()

    def test_a_link_works_only_once(self, network_admin: User, django_capture_on_commit_callbacks) -> None:
        token = self._invite(network_admin, django_capture_on_commit_callbacks)
        services.invitation_accept(token=token, first_name="Noé", last_name="Nouveau", password=STRONG)
        with pytest.raises(ValidationError):
            services.invitation_accept(token=token, first_name="Noé", last_name="Nouveau", password=STRONG)

    def test_an_unknown_token_is_refused(self, db: None) -> None:
        with pytest.raises(ValidationError):
            services.invitation_accept(token="nope", first_name="A", last_name="B", password=STRONG)

    def test_the_invitations_language_is_the_mails_and_the_accounts(
        self, network_admin: User, django_capture_on_commit_callbacks
    ) -> None:
        token = self._invite(network_admin, django_capture_on_commit_callbacks, language="fr")
        assert "vous invite à rejoindre" in mail.outbox[-1].body  # in French, though the inviter reads English
        user = services.invitation_accept(token=token, first_name="N", last_name="N", password=STRONG, language="en")
        assert user.language == "fr"

    def test_without_a_language_the_account_takes_the_browsers(
        self, network_admin: User, django_capture_on_commit_callbacks
    ) -> None:
        token = self._invite(network_admin, django_capture_on_commit_callbacks)
        user = services.invitation_accept(token=token, first_name="N", last_name="N", password=STRONG, language="en")
        assert user.language == "en"


class TestDeactivateAndRoles:
    def test_admin_deactivates_and_reactivates(self, network_admin: User, employee: User) -> None:
        services.user_deactivate(actor=network_admin, user=employee)
        employee.refresh_from_db()
        assert not employee.is_active
        services.user_reactivate(actor=network_admin, user=employee)
        employee.refresh_from_db()
        assert employee.is_active

    def test_deactivation_revokes_tokens_for_good(self, network_admin: User, employee: User) -> None:
        """A token issued before a deactivation stays dead after the reactivation (the review's finding)."""
        token, raw = api_services.personal_token_create(actor=employee, name="Script")
        services.user_deactivate(actor=network_admin, user=employee)
        services.user_reactivate(actor=network_admin, user=employee)
        assert api_selectors.personal_token_authenticate(raw=raw) is None
        token.refresh_from_db()
        assert token.revoked_at is not None
        _new, fresh = api_services.personal_token_create(actor=employee, name="Nouveau")
        assert api_selectors.personal_token_authenticate(raw=fresh) is not None  # new ones work

    def test_deactivation_ends_every_session_for_good(self, network_admin: User, employee: User) -> None:
        browser, phone = Client(), Client()
        browser.force_login(employee)
        phone.force_login(employee)
        services.user_deactivate(actor=network_admin, user=employee)
        services.user_reactivate(actor=network_admin, user=employee)
        for client in (browser, phone):
            assert client.get("/").status_code == 302  # back to the sign-in page
        assert Client().post("/accounts/login/", {"login": employee.email, "password": PASSWORD}).status_code == 302
        fresh = Client()
        fresh.force_login(employee)
        assert fresh.get("/").status_code == 200  # a sign-in after the reactivation works

    def test_a_password_reset_link_sent_before_a_deactivation_dies_with_it(
        self, network_admin: User, employee: User
    ) -> None:
        from allauth.account.forms import default_token_generator

        token = default_token_generator.make_token(employee)
        assert default_token_generator.check_token(employee, token)
        services.user_deactivate(actor=network_admin, user=employee)
        services.user_reactivate(actor=network_admin, user=employee)
        employee.refresh_from_db()
        assert not default_token_generator.check_token(employee, token)
        assert default_token_generator.check_token(employee, default_token_generator.make_token(employee))

    def test_sessions_from_before_any_deactivation_stay_valid(self, employee: User) -> None:
        """Nobody is signed out by the upgrade: the session hash changes only once someone is deactivated."""
        from django.contrib.auth.base_user import AbstractBaseUser

        assert employee.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(employee)

    def test_admins_cannot_deactivate_themselves(self, network_admin: User) -> None:
        with pytest.raises(ValidationError):
            services.user_deactivate(actor=network_admin, user=network_admin)

    def test_employees_cannot_deactivate_anyone(self, employee: User, colleague: User) -> None:
        with pytest.raises(PermissionDenied):
            services.user_deactivate(actor=employee, user=colleague)

    @pytest.mark.parametrize(
        ("role", "field"),
        [
            ("network_admin", "is_network_admin"),
            ("communication_team", "is_communication_team"),
            ("compliance_officer", "is_compliance_officer"),
        ],
    )
    def test_admin_grants_and_withdraws_roles(self, network_admin: User, employee: User, role: str, field: str) -> None:
        services.user_role_set(actor=network_admin, user=employee, role=role, enabled=True)
        employee.refresh_from_db()
        assert getattr(employee, field)
        services.user_role_set(actor=network_admin, user=employee, role=role, enabled=False)
        employee.refresh_from_db()
        assert not getattr(employee, field)

    def test_guests_cannot_hold_a_role(self, network_admin: User, guest: User) -> None:
        with pytest.raises(ValidationError):
            services.user_role_set(actor=network_admin, user=guest, role="communication_team", enabled=True)

    def test_an_admin_cannot_drop_their_own_admin_role(self, network_admin: User) -> None:
        with pytest.raises(ValidationError):
            services.user_role_set(actor=network_admin, user=network_admin, role="network_admin", enabled=False)

    def test_unknown_roles_are_refused(self, network_admin: User, employee: User) -> None:
        with pytest.raises(ValidationError):
            services.user_role_set(actor=network_admin, user=employee, role="king", enabled=True)


def test_factories_still_give_a_usable_password(db: None) -> None:
    user = UserFactory()
    assert user.check_password(PASSWORD)
    assert network_settings().signup_open is False


class TestInvitationBatches:
    FILE = (
        "e-mail;prénom;nom;langue;type\r\n"
        "ana@example.com;Ana;Lima;en;\r\n"
        "bo@example.com;Bo;Berg;fr;invité\r\n"
        "nope;X;Y\r\n"
    )

    def _batch(self, admin: User, text: str = FILE) -> InvitationBatch:
        return services.invitation_batch_create(actor=admin, filename="team.csv", data=text.encode("utf-8-sig"))

    def test_the_file_is_kept_decoded_until_confirmed(self, network_admin: User) -> None:
        batch = self._batch(network_admin)
        assert (batch.filename, batch.encoding, batch.sent_at) == ("team.csv", "utf-8", None)
        assert batch.text.startswith("e-mail;prénom")
        assert not Invitation.objects.exists()
        assert not mail.outbox

    def test_confirming_sends_the_right_lines_through_the_invitation_service(
        self, network_admin: User, django_capture_on_commit_callbacks
    ) -> None:
        batch = self._batch(network_admin)
        with django_capture_on_commit_callbacks(execute=True):
            sent, left_out = services.invitation_batch_send(actor=network_admin, batch=batch)
        assert left_out == 1
        assert [(i.email, i.first_name, i.language, i.kind) for i in sent] == [
            ("ana@example.com", "Ana", "en", "employee"),
            ("bo@example.com", "Bo", "fr", "guest"),
        ]
        assert all(i.invited_by == network_admin for i in sent)
        assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.com", "bo@example.com"]
        french = next(m for m in mail.outbox if m.to == ["bo@example.com"])
        english = next(m for m in mail.outbox if m.to == ["ana@example.com"])
        assert "vous invite" in french.body
        assert "invites you" in english.body
        batch.refresh_from_db()
        assert batch.sent_at is not None

    def test_a_file_is_sent_once(self, network_admin: User) -> None:
        batch = self._batch(network_admin)
        services.invitation_batch_send(actor=network_admin, batch=batch)
        with pytest.raises(ValidationError, match="already sent"):
            services.invitation_batch_send(actor=network_admin, batch=batch)
        assert Invitation.objects.count() == 2

    def test_lines_are_checked_again_when_sending(self, network_admin: User) -> None:
        batch = self._batch(network_admin)
        services.user_create(email="ana@example.com", first_name="Ana", last_name="Lima", password=None)
        sent, left_out = services.invitation_batch_send(actor=network_admin, batch=batch)
        assert [i.email for i in sent] == ["bo@example.com"]
        assert left_out == 2

    def test_a_file_too_large_is_refused(self, network_admin: User, monkeypatch: pytest.MonkeyPatch) -> None:
        from essaim.accounts import invitation_files

        monkeypatch.setattr(invitation_files, "MAX_BYTES", 100)
        with pytest.raises(ValidationError, match="larger than 0 KB"):
            self._batch(network_admin, self.FILE * 3)
        assert not InvitationBatch.objects.exists()

    def test_a_file_with_nobody_is_refused(self, network_admin: User) -> None:
        with pytest.raises(ValidationError, match="nobody to invite"):
            self._batch(network_admin, "e-mail;prénom;nom\r\n\r\n")

    def test_files_left_for_a_day_are_deleted(self, network_admin: User) -> None:
        old = self._batch(network_admin)
        InvitationBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
        self._batch(network_admin)
        assert not InvitationBatch.objects.filter(pk=old.pk).exists()

    def test_employees_cannot_upload(self, employee: User) -> None:
        with pytest.raises(PermissionDenied):
            self._batch(employee)

    def test_another_administrator_cannot_send_my_file(self, network_admin: User) -> None:
        other = AdminFactory()
        batch = self._batch(network_admin)
        with pytest.raises(Http404):
            services.invitation_batch_send(actor=other, batch=batch)
        assert not Invitation.objects.exists()
