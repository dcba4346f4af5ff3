"""/manage/sso/: adding, changing, testing and deleting a provider; the secret never shown back; the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from essaim.accounts.models import User
from essaim.audit.models import AuditAction, AuditEntry
from essaim.oidc.models import OidcProvider
from essaim.oidc.secrets import seal, unseal
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, OpenIdProvider

pytestmark = pytest.mark.django_db


def _form(issuer: str, **changes: Any) -> dict[str, Any]:
    data = {
        "slug": "acme",
        "label": "Acme SSO",
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "secret": CLIENT_SECRET,
        "enabled": "on",
        "account_creation": "network",
        "claim_given_name": "given_name",
        "claim_family_name": "family_name",
        "claim_job_title": "title",
        "claim_department": "department",
        "claim_site": "",
        "claim_phone": "phone_number",
        "claim_manager": "manager",
        "claim_language": "locale",
        "claim_groups": "groups",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def admin_client(client: Client, network_admin: User) -> Client:
    client.force_login(network_admin)
    return client


class TestAdding:
    def test_an_admin_adds_a_provider_and_its_secret_is_sealed(self, admin_client: Client, op: OpenIdProvider) -> None:
        response = admin_client.post("/manage/sso/", _form(op.issuer + "/"))
        provider = OidcProvider.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/manage/sso/{provider.pk}/"
        assert provider.issuer == op.issuer  # the trailing slash goes
        assert CLIENT_SECRET not in provider.secret_sealed
        assert unseal(provider.secret_sealed) == CLIENT_SECRET
        assert provider.claims["job_title"] == "title"
        assert provider.claims["site"] == ""
        entry = AuditEntry.objects.get(action=AuditAction.SSO_PROVIDER_ADDED)
        assert entry.target_label == "Acme SSO"
        assert CLIENT_SECRET not in str(entry.details)

    def test_the_edit_page_never_shows_the_secret(self, admin_client: Client, op: OpenIdProvider) -> None:
        admin_client.post("/manage/sso/", _form(op.issuer))
        provider = OidcProvider.objects.get()
        page = admin_client.get(f"/manage/sso/{provider.pk}/").content.decode()
        assert CLIENT_SECRET not in page
        assert provider.secret_sealed not in page
        assert "/accounts/oidc/acme/login/callback/" in page

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"issuer": "http://idp.example.com"}, "https://"),
            ({"issuer": "not an address"}, "Enter a valid URL"),
            ({"secret": ""}, "This field is required"),
            ({"slug": "Not a slug!"}, "letters, numbers"),
            ({"label": ""}, "This field is required"),
        ],
    )
    def test_bad_input_is_refused_with_a_message_and_kept(
        self, admin_client: Client, op: OpenIdProvider, changes: dict[str, str], message: str
    ) -> None:
        response = admin_client.post("/manage/sso/", _form(**{"issuer": op.issuer, **changes}))
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page
        assert 'value="Acme SSO"' in page or changes.get("label") == ""
        assert not OidcProvider.objects.exists()

    def test_a_second_provider_with_the_same_identifier_is_refused(
        self, admin_client: Client, op: OpenIdProvider
    ) -> None:
        admin_client.post("/manage/sso/", _form(op.issuer))
        response = admin_client.post("/manage/sso/", _form(op.issuer, label="Other"))
        assert response.status_code == 400
        assert "Another provider already uses this identifier" in response.content.decode()

    def test_the_page_in_french(self, admin_client: Client, op: OpenIdProvider) -> None:
        admin_client.cookies["django_language"] = "fr"
        response = admin_client.get("/manage/sso/")
        assert response.status_code == 200
        assert 'lang="fr"' in response.content.decode()


class TestChanging:
    def test_an_empty_secret_keeps_the_stored_one_and_the_audit_says_what_changed(
        self, admin_client: Client, op: OpenIdProvider
    ) -> None:
        admin_client.post("/manage/sso/", _form(op.issuer))
        provider = OidcProvider.objects.get()
        response = admin_client.post(
            f"/manage/sso/{provider.pk}/", _form(op.issuer, slug=None, secret="", label="Acme")
        )
        assert response.status_code == 302
        provider.refresh_from_db()
        assert provider.label == "Acme"
        assert provider.slug == "acme"
        assert unseal(provider.secret_sealed) == CLIENT_SECRET
        entry = AuditEntry.objects.get(action=AuditAction.SSO_PROVIDER_CHANGED)
        assert entry.details["changes"] == {"label": {"from": "Acme SSO", "to": "Acme"}}

    def test_a_new_secret_is_said_to_have_changed_never_shown(self, admin_client: Client, op: OpenIdProvider) -> None:
        admin_client.post("/manage/sso/", _form(op.issuer))
        provider = OidcProvider.objects.get()
        admin_client.post(f"/manage/sso/{provider.pk}/", _form(op.issuer, slug=None, secret="brand-new-secret"))
        provider.refresh_from_db()
        assert unseal(provider.secret_sealed) == "brand-new-secret"
        entry = AuditEntry.objects.get(action=AuditAction.SSO_PROVIDER_CHANGED)
        assert entry.details["changes"] == {"secret": "changed"}

    def test_deleting_removes_the_button_and_the_links(self, admin_client: Client, op: OpenIdProvider) -> None:
        admin_client.post("/manage/sso/", _form(op.issuer))
        provider = OidcProvider.objects.get()
        response = admin_client.post(f"/manage/sso/{provider.pk}/delete/")
        assert response.status_code == 302
        assert not OidcProvider.objects.exists()
        assert AuditEntry.objects.filter(action=AuditAction.SSO_PROVIDER_DELETED).exists()

    def test_an_unknown_provider_is_404(self, admin_client: Client) -> None:
        assert admin_client.get("/manage/sso/999/").status_code == 404


class TestConnection:
    secret_key = ""

    @pytest.fixture(autouse=True)
    def _key(self, settings: Any) -> None:
        type(self).secret_key = settings.SECRET_KEY

    def _provider(self, admin_client: Client, issuer: str) -> OidcProvider:
        admin_client.post("/manage/sso/", _form(issuer))
        return OidcProvider.objects.get()

    def test_a_working_provider_is_said_to_work(self, admin_client: Client, op: OpenIdProvider) -> None:
        provider = self._provider(admin_client, op.issuer)
        page = admin_client.post(f"/manage/sso/{provider.pk}/test/").content.decode()
        assert "Everything a sign-in needs from the provider works." in page
        assert "PKCE (S256) is supported." in page
        assert "1 signing key found" in page

    def test_an_unreachable_provider_is_said_so(self, admin_client: Client, op: OpenIdProvider) -> None:
        provider = self._provider(admin_client, "http://127.0.0.1:9")
        response = admin_client.post(f"/manage/sso/{provider.pk}/test/")
        assert response.status_code == 200
        assert "cannot be reached" in response.content.decode()

    def test_a_wrong_issuer_and_broken_keys_are_said_so(self, admin_client: Client, op: OpenIdProvider) -> None:
        provider = self._provider(admin_client, op.issuer + "/.well-known/openid-configuration")
        op.broken_jwks = True
        page = admin_client.post(f"/manage/sso/{provider.pk}/test/").content.decode()
        assert "answered with the HTTP status 500" in page
        assert "Something a sign-in needs does not work" in page

    def test_a_page_that_is_not_a_provider_is_said_so(self, admin_client: Client, op: OpenIdProvider) -> None:
        provider = self._provider(admin_client, op.issuer + "/nowhere")
        page = admin_client.post(f"/manage/sso/{provider.pk}/test/").content.decode()
        assert "answered with the HTTP status 404" in page

    def test_a_secret_sealed_with_another_key_asks_to_enter_it_again(
        self, admin_client: Client, op: OpenIdProvider, settings: Any
    ) -> None:
        provider = self._provider(admin_client, op.issuer)
        settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
        sealed_elsewhere = seal(CLIENT_SECRET)
        settings.SECRET_KEY = self.secret_key
        assert unseal(sealed_elsewhere) == ""
        OidcProvider.objects.filter(pk=provider.pk).update(secret_sealed=sealed_elsewhere)
        page = admin_client.post(f"/manage/sso/{provider.pk}/test/").content.decode()
        assert "enter it again" in page
        assert unseal(seal("x")) == "x"
