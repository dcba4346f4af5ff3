"""The two-factor policy: what proves a second factor at an identity provider, setting the policy in /manage/,
setting up an authenticator app through allauth's own pages, and the pages left open to do so."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.test import Client

from essaim.accounts.models import User
from essaim.accounts.two_factor import SESSION_IDP_KEY, claims_prove_mfa
from essaim.audit.models import AuditAction, AuditEntry
from essaim.network.models import NetworkSettings
from essaim.network.selectors import network_settings, network_settings_invalidate
from tests.accounts.factories import PASSWORD

SETUP = "/accounts/two-factor/"


def set_policy(policy: str) -> None:
    NetworkSettings.objects.update_or_create(pk=1, defaults={"two_factor_required": policy})
    network_settings_invalidate()


class TestClaimsProveMfa:
    @pytest.mark.parametrize(
        "amr", [["pwd", "mfa"], ["pwd", "otp"], ["hwk"], ["swk", "pin"], ["fpt"], ["face"], "mfa", ["MFA"]]
    )
    def test_an_amr_naming_a_second_factor_proves_it(self, amr: object) -> None:
        assert claims_prove_mfa({"amr": amr}, acr_values=[])

    @pytest.mark.parametrize("claims", [{}, {"amr": ["pwd"]}, {"amr": ["pwd", "kba"]}, {"amr": 3}, {"amr": [None]}])
    def test_a_password_alone_or_nothing_does_not(self, claims: dict[str, object]) -> None:
        assert not claims_prove_mfa(claims, acr_values=[])

    def test_an_acr_in_the_configured_list_proves_it(self) -> None:
        gold = "http://schemas.openid.net/pape/policies/2007/06/multi-factor"
        assert claims_prove_mfa({"acr": gold, "amr": ["pwd"]}, acr_values=[gold])
        assert not claims_prove_mfa({"acr": "urn:mace:incommon:iap:bronze"}, acr_values=[gold])
        assert not claims_prove_mfa({"acr": ["not", "a", "string"]}, acr_values=["not"])

    def test_the_acr_list_comes_from_the_settings_by_default(self, settings: object) -> None:
        settings.SSO_MFA_ACR_VALUES = ["phr"]  # type: ignore[attr-defined]
        assert claims_prove_mfa({"acr": "phr"})
        assert not claims_prove_mfa({"acr": "phrh"})


@pytest.mark.django_db
class TestPolicySetting:
    def _data(self, **changes: object) -> dict[str, object]:
        return {
            "name": "Ruche",
            "accent_color": "#aa3300",
            "signup_open": "",
            "signup_domains": "",
            "guests_allowed": "on",
            "two_factor_required": "roles",
            **changes,
        }

    def test_an_admin_requires_it_for_roles_and_the_change_is_audited(
        self, client: Client, network_admin: User, django_capture_on_commit_callbacks
    ) -> None:
        client.force_login(network_admin)
        page = client.get("/manage/network/").content.decode()
        assert 'name="two_factor_required" value="everyone"' in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/manage/network/", self._data())
        assert response.status_code == 302
        assert network_settings().two_factor_required == "roles"
        entry = AuditEntry.objects.get(action=AuditAction.NETWORK_SETTINGS_CHANGED)
        assert entry.details["changed"]["two_factor_required"] == ["optional", "roles"]
        assert client.get("/manage/network/").url == SETUP  # the admin is concerned too, and has no factor yet

    def test_a_form_without_the_field_keeps_the_policy(self, client: Client, network_admin: User) -> None:
        set_policy("everyone")
        Authenticator.objects.create(user=network_admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
        client.force_login(network_admin)
        data = self._data()
        del data["two_factor_required"]
        assert client.post("/manage/network/", data).status_code == 302
        assert NetworkSettings.objects.get(pk=1).two_factor_required == "everyone"

    def test_an_unknown_choice_is_answered_next_to_the_field_in_french(
        self, client: Client, network_admin: User
    ) -> None:
        network_admin.language = "fr"
        network_admin.save()
        client.force_login(network_admin)
        response = client.post("/manage/network/", self._data(two_factor_required="sometimes"))
        assert response.status_code == 400
        html = response.content.decode()
        assert 'id="id_two_factor_required_error"' in html
        assert "Sélectionnez un choix valide" in html
        assert NetworkSettings.objects.get(pk=1).two_factor_required == "optional"

    def test_employees_cannot_change_it(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        assert client.post("/manage/network/", self._data(two_factor_required="optional")).status_code == 403


@pytest.mark.django_db
class TestEnrolment:
    def test_setting_up_an_authenticator_app_through_allauth_opens_the_network(
        self, client: Client, employee: User
    ) -> None:
        set_policy("everyone")
        signed_in = client.post("/accounts/login/", {"login": employee.email, "password": PASSWORD})
        assert signed_in.status_code == 302
        assert client.get("/").url == SETUP
        page = client.get(SETUP).content.decode()
        assert "asks your account for a second factor" in page
        assert 'href="/accounts/2fa/totp/activate/"' in page
        assert 'href="/accounts/2fa/webauthn/add/"' in page
        asked = client.get("/accounts/2fa/totp/activate/")  # allauth asks for the password again first
        assert asked.url.startswith("/accounts/reauthenticate/")
        again = client.post(asked.url, {"password": PASSWORD})
        assert again.url == "/accounts/2fa/totp/activate/"
        activate = client.get("/accounts/2fa/totp/activate/")
        assert activate.status_code == 200
        secret = activate.context["form"].secret
        wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
        assert wrong.status_code == 200
        assert not Authenticator.objects.filter(user=employee).exists()
        code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
        assert client.post("/accounts/2fa/totp/activate/", {"code": code}).status_code == 302
        assert Authenticator.objects.filter(user=employee, type=Authenticator.Type.TOTP).exists()
        assert client.get("/spaces/").status_code == 200

    @pytest.mark.parametrize(
        "path",
        [
            SETUP,
            "/accounts/2fa/",
            "/accounts/2fa/totp/activate/",
            "/accounts/2fa/webauthn/add/",
            "/accounts/language/",
            "/healthz",
            "/static/essaim/essaim.css",
        ],
    )
    def test_the_pages_needed_to_set_it_up_stay_open(self, client: Client, employee: User, path: str) -> None:
        set_policy("everyone")
        client.force_login(employee)
        response = client.get(path)
        assert not (response.status_code == 302 and response.url == SETUP)

    def test_signing_out_stays_open(self, client: Client, employee: User) -> None:
        set_policy("everyone")
        client.force_login(employee)
        assert client.post("/accounts/logout/").status_code == 302
        assert "_auth_user_id" not in client.session

    def test_a_session_the_identity_provider_verified_is_not_asked(self, client: Client, employee: User) -> None:
        set_policy("everyone")
        client.force_login(employee)
        session = client.session
        session[SESSION_IDP_KEY] = True
        session.save()
        assert client.get("/spaces/").status_code == 200

    def test_the_page_is_in_the_persons_language(self, client: Client, employee: User) -> None:
        set_policy("everyone")
        employee.language = "fr"
        employee.save()
        client.force_login(employee)
        assert '<html lang="fr"' in client.get(SETUP).content.decode()


@pytest.mark.django_db
class TestKeepingAFactor:
    def test_the_last_factor_cannot_be_removed_while_the_policy_requires_one(self, employee: User) -> None:
        from essaim.accounts.adapter import MFAAdapter

        totp = Authenticator.objects.create(user=employee, type=Authenticator.Type.TOTP, data={"secret": "x"})
        Authenticator.objects.create(user=employee, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00"})
        set_policy("everyone")
        assert not MFAAdapter().can_delete_authenticator(totp)
        assert "add a passkey or another authenticator" in str(MFAAdapter.error_messages["cannot_delete_authenticator"])
        Authenticator.objects.create(user=employee, type=Authenticator.Type.WEBAUTHN, data={"credential": {}})
        assert MFAAdapter().can_delete_authenticator(totp)

    def test_it_can_be_removed_when_the_policy_does_not_concern_the_person(self, employee: User) -> None:
        from essaim.accounts.adapter import MFAAdapter

        totp = Authenticator.objects.create(user=employee, type=Authenticator.Type.TOTP, data={"secret": "x"})
        set_policy("roles")
        assert MFAAdapter().can_delete_authenticator(totp)

    def test_an_unconfirmed_address_is_confirmed_first_and_its_page_stays_open(
        self, client: Client, employee: User
    ) -> None:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=employee, email=employee.email, defaults={"verified": False, "primary": True}
        )
        set_policy("everyone")
        client.force_login(employee)
        page = client.get(SETUP).content.decode()
        assert "First confirm your e-mail address" in page
        assert client.get("/accounts/email/").status_code == 200
