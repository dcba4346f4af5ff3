"""The SAML sign-in end to end against a real identity provider on loopback (pysaml2): linking, creating,
refusing, the attributes written to the profile, and single logout."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from essaim.accounts.models import User
from essaim.accounts.two_factor import SESSION_IDP_KEY
from essaim.network.selectors import network_settings
from essaim.oidc.models import AccountCreation
from essaim.people.models import Department, Profile
from essaim.saml import services
from essaim.saml.models import SamlProvider
from tests.accounts.factories import AdminFactory, UserFactory
from tests.saml.conftest import ACS, SP_ENTITY, idp_initiated, post_to_essaim, sign_in
from tests.saml.idp import IdentityProvider, form_fields, user

pytestmark = pytest.mark.django_db


def _signed_in_as(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def _network(**fields: object) -> None:
    settings = network_settings()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    from django.core.cache import cache

    cache.clear()


class TestSignIn:
    def test_an_existing_account_is_linked_by_its_address(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        person = UserFactory(email="lea.martin@example.com")
        response = sign_in(client, idp)
        assert response.status_code == 302, response.content
        assert _signed_in_as(client) == person
        link = SocialAccount.objects.get(user=person)
        assert (link.provider, link.uid) == ("saml-acme", "lea.martin@example.com")

    def test_essaim_signs_its_authentication_request(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        UserFactory(email="lea.martin@example.com")
        sign_in(client, idp)
        request = next(entry for entry in idp.log if entry["endpoint"] == "sso")
        assert request["signed"]
        assert request["issuer"] == "http://testserver/accounts/saml/acme/metadata/"

    def test_an_idp_initiated_sign_in_is_accepted(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        person = UserFactory(email="lea.martin@example.com")
        response = idp_initiated(client, idp, relay_state="/people/")
        assert response.status_code == 302
        assert response["Location"] == "/people/"
        assert _signed_in_as(client) == person

    def test_a_response_is_taken_once_only(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        UserFactory(email="lea.martin@example.com")
        page = idp.response_for(acs=ACS, sp_entity_id=SP_ENTITY)
        assert post_to_essaim(client, page).status_code == 302
        client.logout()
        action, fields = form_fields(page)
        again = client.post(urlsplit(action).path, fields)
        assert again.status_code == 403
        assert "already used" in again.content.decode()
        assert _signed_in_as(client) is None

    def test_open_sign_up_creates_the_account(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        _network(signup_open=True, signup_domains="")
        idp.next_user = user("noe.petit@example.com")
        response = sign_in(client, idp)
        assert response.status_code == 302, response.content
        created = _signed_in_as(client)
        assert created is not None
        assert created.email == "noe.petit@example.com"
        assert not created.has_usable_password()
        assert EmailAddress.objects.get(user=created).verified

    def test_the_attributes_fill_the_profile(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        person = UserFactory(email="lea.martin@example.com", first_name="L", last_name="M")
        language = "urn:oid:2.16.840.1.113730.3.1.39"  # preferredLanguage, as pysaml2 names it
        services.provider_update(
            actor=AdminFactory(), provider=saml_provider, claims={**saml_provider.claims, "language": language}
        )
        idp.next_user = user(
            **{
                "http://schemas.microsoft.com/identity/claims/jobtitle": "Cheffe de projet",
                "http://schemas.microsoft.com/identity/claims/department": "Ingénierie",
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/mobilephone": "+33 6 12 34 56 78",
                "preferredLanguage": "fr-FR",
            }
        )
        sign_in(client, idp)
        person.refresh_from_db()
        profile = Profile.objects.select_related("department").get(user=person)
        assert (person.first_name, person.last_name, person.language) == ("Léa", "Martin", "fr")
        assert profile.job_title == "Cheffe de projet"
        assert profile.phone == "+33 6 12 34 56 78"
        assert profile.department == Department.objects.get(name="Ingénierie")


def test_a_link_to_the_sign_in_address_asks_first_in_a_page_allowed_to_go_to_the_provider(
    client: Client, idp: IdentityProvider, saml_provider: SamlProvider
) -> None:
    page = client.get(f"/accounts/saml/{saml_provider.slug}/login/")
    assert page.status_code == 200
    assert saml_provider.label in page.text
    policy = page["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if part.strip().startswith("form-action"))
    assert idp.base in form_action


class TestTwoFactor:
    def test_an_assertion_of_a_second_factor_satisfies_the_policy_and_asks_for_no_code(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        _network(two_factor_required="everyone")
        person = UserFactory(email="lea.martin@example.com")
        Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
        idp.class_ref = "https://refeds.org/profile/mfa"
        response = sign_in(client, idp)
        assert response.status_code == 302, response.content
        assert "/2fa/authenticate" not in response["Location"]
        assert _signed_in_as(client) == person
        assert client.session.get(SESSION_IDP_KEY) is True

    def test_a_password_sign_in_is_asked_for_the_authenticator_app(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        person = UserFactory(email="lea.martin@example.com")
        Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
        response = sign_in(client, idp)  # PasswordProtectedTransport
        assert response["Location"] == "/accounts/2fa/authenticate/"
        assert _signed_in_as(client) is None

    def test_a_password_sign_in_leaves_the_person_under_the_policy(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        _network(two_factor_required="everyone")
        UserFactory(email="lea.martin@example.com")
        sign_in(client, idp)
        assert client.session.get(SESSION_IDP_KEY) is None
        assert client.get("/")["Location"] == "/accounts/two-factor/"


class TestRefusals:
    def _refused(self, client: Client, response: object, text: str = "") -> None:
        assert getattr(response, "status_code", None) == 403, getattr(response, "content", b"")
        if text:
            assert text in response.content.decode()  # type: ignore[attr-defined]
        assert _signed_in_as(client) is None

    def test_an_unsigned_assertion_is_refused(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        UserFactory(email="lea.martin@example.com")
        idp.unsigned = True
        self._refused(client, sign_in(client, idp), "could not be checked")

    def test_an_expired_assertion_is_refused(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        UserFactory(email="lea.martin@example.com")
        idp.expired = True
        self._refused(client, sign_in(client, idp), "could not be checked")

    def test_an_assertion_for_another_audience_is_refused(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        UserFactory(email="lea.martin@example.com")
        idp.audience = "https://another-service.example.com/saml"
        self._refused(client, sign_in(client, idp), "could not be checked")

    def test_a_disabled_provider_signs_nobody_in(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        UserFactory(email="lea.martin@example.com")
        services.provider_update(actor=AdminFactory(), provider=saml_provider, enabled=False)
        assert client.post("/accounts/saml/acme/login/").status_code == 404
        assert client.post("/accounts/saml/acme/acs/", {"SAMLResponse": "x"}).status_code in {302, 404}
        assert _signed_in_as(client) is None

    def test_a_person_outside_the_sign_up_domains_gets_no_account(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        _network(signup_open=True, signup_domains="atelier-boreal.fr")
        idp.next_user = user("stranger@example.com")
        self._refused(client, sign_in(client, idp), "There is no account for stranger@example.com")
        assert not User.objects.filter(email="stranger@example.com").exists()

    def test_directory_only_creates_no_account(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        _network(signup_open=True, signup_domains="")
        services.provider_update(
            actor=AdminFactory(), provider=saml_provider, account_creation=AccountCreation.DIRECTORY_ONLY
        )
        idp.next_user = user("noe.petit@example.com")
        self._refused(client, sign_in(client, idp))

    def test_an_address_the_provider_says_is_unverified_is_not_linked(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        person = UserFactory(email="lea.martin@example.com")
        services.provider_update(
            actor=AdminFactory(), provider=saml_provider, claims={**saml_provider.claims, "email_verified": "verified"}
        )
        idp.next_user = user(verified="false")
        self._refused(client, sign_in(client, idp), "did not confirm that this address is yours")
        assert not SocialAccount.objects.filter(user=person).exists()


class TestLogout:
    def test_signing_out_signs_out_at_the_identity_provider_too(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        import requests

        UserFactory(email="lea.martin@example.com")
        sign_in(client, idp)
        out = client.post("/accounts/logout/")
        assert out.status_code == 302
        assert _signed_in_as(client) is None
        page = client.get(out["Location"])
        assert page.status_code == 200
        slo = page.context["url"]
        assert slo.startswith(idp.base + "/slo?")
        back = requests.get(slo, allow_redirects=False, timeout=10)
        assert back.status_code == 302
        request = next(entry for entry in idp.log if entry["endpoint"] == "slo")
        assert request["name_id"] == "lea.martin@example.com"
        assert request["signed"]
        done = client.get(back.headers["Location"].removeprefix("http://testserver"))
        assert done.status_code == 302, done.content

    def test_a_logout_started_at_the_identity_provider_signs_out_of_essaim(
        self, client: Client, idp: IdentityProvider, saml_provider: SamlProvider
    ) -> None:
        UserFactory(email="lea.martin@example.com")
        sign_in(client, idp)
        assert _signed_in_as(client) is not None
        url = idp.logout_request_url(sp_entity_id=SP_ENTITY, email="lea.martin@example.com")
        answer = client.get(url.removeprefix("http://testserver"))
        assert answer.status_code == 302, answer.content
        assert answer["Location"].startswith(idp.base + "/slo?SAMLResponse=")
        assert _signed_in_as(client) is None
