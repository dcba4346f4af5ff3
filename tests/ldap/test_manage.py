"""/manage/ldap/ against a real OpenLDAP: an administrator saves the settings (the bind password sealed, never
shown back), bad input is refused field by field and kept, "Test the connection" says what works and what does
not (a server down, a refused bind, a base that does not exist), and "Sync now" syncs and shows the outcome."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from essaim.accounts.models import User
from essaim.audit.models import AuditAction, AuditEntry
from essaim.core.secrets import unseal
from essaim.ldap.client import PASSWORD_PURPOSE
from essaim.ldap.models import DEFAULT_ATTRIBUTES, LdapDirectory
from tests.ldap.conftest import settings_for
from tests.ldap.server import SERVICE_PASSWORD, Slapd
from tests.ldap.test_backend import french_catalogue_has

pytestmark = pytest.mark.django_db


def _form(slapd: Slapd, **changes: Any) -> dict[str, Any]:
    values = settings_for(slapd)
    data: dict[str, Any] = {
        **{k: v for k, v in values.items() if k not in {"attributes", "enabled", "start_tls", "deprovision"}},
        **{f"attr_{name}": value for name, value in DEFAULT_ATTRIBUTES.items()},
        "enabled": "on",
        "deprovision": "on",
        "password": SERVICE_PASSWORD,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def admin_client(client: Client, network_admin: User) -> Client:
    client.force_login(network_admin)
    return client


class TestSettings:
    def test_an_admin_saves_the_settings_and_the_password_is_sealed(self, admin_client: Client, slapd: Slapd) -> None:
        response = admin_client.post("/manage/ldap/", _form(slapd, attr_photo="thumbnailPhoto  jpegPhoto"))
        assert response.status_code == 302
        directory = LdapDirectory.get()
        assert directory.enabled
        assert directory.server_uri == slapd.uri
        assert SERVICE_PASSWORD not in directory.bind_password_sealed
        assert unseal(directory.bind_password_sealed, purpose=PASSWORD_PURPOSE) == SERVICE_PASSWORD
        assert directory.attribute("photo") == ["thumbnailPhoto", "jpegPhoto"]
        entry = AuditEntry.objects.get(action=AuditAction.LDAP_DIRECTORY_CHANGED)
        assert entry.details["changes"]["bind_password"] == "changed"
        assert SERVICE_PASSWORD not in str(entry.details)
        page = admin_client.get("/manage/ldap/").content.decode()
        assert SERVICE_PASSWORD not in page
        assert slapd.uri in page

    def test_an_empty_password_keeps_the_stored_one(self, admin_client: Client, slapd: Slapd) -> None:
        admin_client.post("/manage/ldap/", _form(slapd))
        admin_client.post("/manage/ldap/", _form(slapd, password="", sync_every_minutes=30))
        directory = LdapDirectory.get()
        assert directory.sync_every_minutes == 30
        assert unseal(directory.bind_password_sealed, purpose=PASSWORD_PURPOSE) == SERVICE_PASSWORD

    def test_bad_input_is_refused_with_a_message_and_kept(self, admin_client: Client, slapd: Slapd) -> None:
        response = admin_client.post(
            "/manage/ldap/",
            _form(
                slapd,
                server_uri="https://ldap.example.com",
                user_base="people",
                user_filter="objectClass=person",
                login_attribute="mail;x",
                sync_every_minutes="1",
                password="",
                attr_email="",
            ),
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "Start the address with ldap:// or ldaps://." in page
        assert "This is not a DN" in page
        assert "Write an LDAP filter in parentheses" in page
        assert "An attribute’s name" in page
        assert "Enter the bind DN’s password." in page
        assert 'value="https://ldap.example.com"' in page  # kept
        assert not LdapDirectory.get().enabled

    def test_the_page_in_french(self, admin_client: Client, slapd: Slapd) -> None:
        french_catalogue_has("Company directory (LDAP / Active Directory)")
        page = admin_client.get("/manage/ldap/", headers={"accept-language": "fr"}).content.decode()
        assert "Annuaire de l’entreprise (LDAP / Active Directory)" in page


class TestConnection:
    def test_a_working_directory_is_said_to_work(self, admin_client: Client, directory: LdapDirectory) -> None:
        response = admin_client.post("/manage/ldap/test/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "Everything sign-in and sync need from the directory works." in page
        assert "People found under ou=people,dc=atelier,dc=test: 40." in page
        assert "Groups found under ou=groups,dc=atelier,dc=test: 12." in page

    def test_a_server_down_is_said_so(self, admin_client: Client, directory: LdapDirectory, slapd: Slapd) -> None:
        slapd.stop()
        page = admin_client.post("/manage/ldap/test/").content.decode()
        assert "Something sign-in or sync needs does not work:" in page
        assert f"The directory server {slapd.uri} cannot be reached" in page

    def test_a_refused_bind_is_said_so(self, admin_client: Client, directory: LdapDirectory, slapd: Slapd) -> None:
        admin_client.post("/manage/ldap/", _form(slapd, password="wrong"))
        page = admin_client.post("/manage/ldap/test/").content.decode()
        assert "The directory refused the bind DN or its password" in page

    def test_a_base_that_does_not_exist_is_said_so(
        self, admin_client: Client, directory: LdapDirectory, slapd: Slapd
    ) -> None:
        admin_client.post("/manage/ldap/", _form(slapd, user_base="ou=nobody,dc=atelier,dc=test", password=""))
        page = admin_client.post("/manage/ldap/test/").content.decode()
        assert "The search base ou=nobody,dc=atelier,dc=test does not exist in the directory." in page

    def test_a_server_down_in_french(self, admin_client: Client, directory: LdapDirectory, slapd: Slapd) -> None:
        french_catalogue_has(
            "The directory server %(uri)s cannot be reached (%(reason)s). Check its address and "
            "port, and that it is running and reachable from Essaim's server."
        )
        slapd.stop()
        page = admin_client.post("/manage/ldap/test/", headers={"accept-language": "fr"}).content.decode()
        assert "est injoignable" in page


class TestSyncNow:
    def test_sync_now_syncs_and_says_what_it_did(
        self, admin_client: Client, directory: LdapDirectory, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post("/manage/ldap/sync/")
        assert response.status_code == 302
        assert User.objects.filter(email__endswith="@atelier.test").count() == 40
        assert AuditEntry.objects.filter(action=AuditAction.LDAP_SYNC_REQUESTED).exists()
        page = admin_client.get("/manage/ldap/").content.decode()
        assert "40 people read, 40 newly linked, 0 deactivated" in page

    def test_a_failed_sync_says_why(
        self,
        admin_client: Client,
        directory: LdapDirectory,
        slapd: Slapd,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        slapd.stop()
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post("/manage/ldap/sync/")
        page = admin_client.get("/manage/ldap/").content.decode()
        assert f"The directory server {slapd.uri} cannot be reached" in page
        assert "tried again sooner after a failure" in page

    def test_a_disabled_directory_is_not_synced(
        self, admin_client: Client, directory: LdapDirectory, django_capture_on_commit_callbacks: Any
    ) -> None:
        LdapDirectory.objects.filter(pk=1).update(enabled=False)
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post("/manage/ldap/sync/", follow=True)
        assert "Enable the directory first" in response.content.decode()
        assert not User.objects.filter(email__endswith="@atelier.test").exists()
