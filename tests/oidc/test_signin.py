"""The OpenID Connect sign-in end to end against a real provider on loopback: linking, creating, refusing."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from essaim.accounts.models import User
from essaim.accounts.two_factor import SESSION_IDP_KEY
from essaim.network.selectors import network_settings
from essaim.oidc import services
from essaim.oidc.models import AccountCreation, OidcProvider
from essaim.people.models import Department, Profile, Site
from essaim.spaces.models import AutoMembershipRule, Membership
from tests.accounts.factories import AdminFactory, UserFactory
from tests.oidc.conftest import claims, sign_in
from tests.oidc.provider import OpenIdProvider

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


class TestLinking:
    def test_an_existing_account_is_linked_by_a_verified_address(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        person = UserFactory(email="lea.martin@example.com")
        op.next_claims = claims()
        response = sign_in(client, op)
        assert response.status_code == 302
        assert _signed_in_as(client) == person
        assert SocialAccount.objects.get(user=person).provider == "acme"

    def test_the_flow_uses_pkce_and_the_provider_checks_it(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        UserFactory(email="lea.martin@example.com")
        op.next_claims = claims()
        sign_in(client, op)
        authorize = next(entry for entry in op.log if entry["endpoint"] == "authorize")
        token = next(entry for entry in op.log if entry["endpoint"] == "token")
        assert authorize["code_challenge_method"] == "S256"
        assert token["code_verifier"]

    def test_an_unverified_address_is_never_linked_and_says_why(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        person = UserFactory(email="lea.martin@example.com")
        op.next_claims = claims(email_verified=False)
        response = sign_in(client, op)
        assert response.status_code == 403
        assert "did not confirm that this address is yours" in response.content.decode()
        assert _signed_in_as(client) is None
        assert not SocialAccount.objects.filter(user=person).exists()

    def test_a_second_sign_in_finds_the_link_even_after_the_address_changed(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        person = UserFactory(email="lea.martin@example.com")
        op.next_claims = claims()
        sign_in(client, op)
        client.logout()
        op.next_claims = claims(email="lea.m@example.com", email_verified=False) | {"sub": "sub-lea.martin@example.com"}
        sign_in(client, op)
        assert _signed_in_as(client) == person

    def test_a_signed_in_person_cannot_link_another_identity_by_hand(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        person = UserFactory(email="someone@example.com")
        UserFactory(email="lea.martin@example.com")
        client.force_login(person)
        op.next_claims = claims()
        response = sign_in(client, op, process="connect")
        assert response.status_code == 403
        assert not SocialAccount.objects.exists()

    def test_the_refusal_is_in_french_for_a_french_reader(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        UserFactory(email="lea.martin@example.com")
        op.next_claims = claims(email_verified=False)
        client.cookies["django_language"] = "fr"
        response = sign_in(client, op)
        assert response.status_code == 403
        assert 'lang="fr"' in response.content.decode()


class TestAccountCreation:
    def test_open_sign_up_creates_the_account_with_a_verified_address(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        _network(signup_open=True, signup_domains="")
        op.next_claims = claims(email="new.person@example.com", given_name="Noé", family_name="Petit")
        response = sign_in(client, op)
        assert response.status_code == 302
        user = _signed_in_as(client)
        assert user is not None
        assert user.email == "new.person@example.com"
        assert (user.first_name, user.last_name) == ("Noé", "Petit")
        assert not user.has_usable_password()
        assert EmailAddress.objects.get(user=user).verified
        assert Profile.objects.filter(user=user).exists()

    def test_closed_sign_up_creates_nobody(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        _network(signup_open=False)
        op.next_claims = claims(email="new.person@example.com")
        response = sign_in(client, op)
        assert response.status_code == 403
        assert "does not create one" in response.content.decode()
        assert not User.objects.filter(email="new.person@example.com").exists()

    def test_a_person_outside_the_allowed_domains_is_refused(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        _network(signup_open=True, signup_domains="atelier-boreal.fr")
        op.next_claims = claims(email="someone@elsewhere.com")
        assert sign_in(client, op).status_code == 403
        op.next_claims = claims(email="ines@atelier-boreal.fr")
        assert sign_in(client, op).status_code == 302
        assert User.objects.filter(email="ines@atelier-boreal.fr").exists()
        assert not User.objects.filter(email="someone@elsewhere.com").exists()

    def test_company_domains_create_accounts_even_with_self_sign_up_closed(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        _network(signup_open=False, signup_domains="atelier-boreal.fr")
        services.provider_update(actor=AdminFactory(), provider=oidc_provider, account_creation=AccountCreation.DOMAINS)
        op.next_claims = claims(email="ines@atelier-boreal.fr")
        assert sign_in(client, op).status_code == 302
        assert User.objects.filter(email="ines@atelier-boreal.fr").exists()

    def test_directory_only_links_but_never_creates(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        _network(signup_open=True, signup_domains="")
        services.provider_update(
            actor=AdminFactory(), provider=oidc_provider, account_creation=AccountCreation.DIRECTORY_ONLY
        )
        op.next_claims = claims(email="new.person@example.com")
        assert sign_in(client, op).status_code == 403
        assert not User.objects.filter(email="new.person@example.com").exists()
        person = UserFactory(email="known@example.com")
        op.next_claims = claims(email="known@example.com")
        assert sign_in(client, op).status_code == 302
        assert _signed_in_as(client) == person

    def test_an_unverified_address_creates_nobody(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        _network(signup_open=True, signup_domains="")
        op.next_claims = claims(email="new.person@example.com", email_verified=False)
        assert sign_in(client, op).status_code == 403
        assert not User.objects.filter(email="new.person@example.com").exists()


class TestRefusedTokens:
    @pytest.mark.parametrize("knob", ["audience", "sign_with_foreign_key", "unsigned", "expired"])
    def test_a_bad_id_token_signs_nobody_in(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider, knob: str
    ) -> None:
        UserFactory(email="lea.martin@example.com")
        op.next_claims = claims()
        if knob == "audience":
            op.audience = "another-client"
        else:
            setattr(op, knob, True)
        response = sign_in(client, op)
        assert response.status_code == 403
        assert "could not be checked" in response.content.decode()
        assert _signed_in_as(client) is None

    def test_a_disabled_provider_has_no_sign_in(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        services.provider_update(actor=AdminFactory(), provider=oidc_provider, enabled=False)
        assert client.post("/accounts/oidc/acme/login/").status_code == 404
        assert "Sign in with Acme SSO" not in client.get("/accounts/login/").content.decode()

    def test_the_sign_in_page_offers_each_enabled_provider(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        page = client.get("/accounts/login/").content.decode()
        assert "Sign in with Acme SSO" in page
        assert 'action="/accounts/oidc/acme/login/"' in page


class TestClaims:
    def test_the_profile_is_filled_from_the_claims(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        person = UserFactory(email="lea.martin@example.com", language="en")
        boss = UserFactory(email="boss@example.com")
        site = Site.objects.create(name="Lyon")
        op.next_claims = claims(
            job_title="Cheffe de projet",
            department="Finance",
            site="lyon",
            phone_number="+33 4 00 00 00 00",
            manager="boss@example.com",
            locale="fr-FR",
        )
        sign_in(client, op)
        person.refresh_from_db()
        profile = Profile.objects.get(user=person)
        assert (person.first_name, person.last_name, person.language) == ("Léa", "Martin", "fr")
        assert profile.job_title == "Cheffe de projet"
        assert profile.department is not None
        assert profile.department.name == "Finance"
        assert profile.site == site
        assert profile.phone == "+33 4 00 00 00 00"
        assert profile.manager == boss

    def test_groups_put_the_person_in_a_department_and_its_spaces(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        from tests.spaces.factories import SpaceFactory

        finance = Department.objects.create(name="Finance")
        space = SpaceFactory()
        AutoMembershipRule.objects.create(space=space, department=finance, created_by=AdminFactory())
        person = UserFactory(email="lea.martin@example.com")
        op.next_claims = claims(groups=["Everyone", "finance"])
        sign_in(client, op)
        assert Profile.objects.get(user=person).department == finance
        assert Membership.objects.filter(space=space, user=person).exists()

    def test_a_claim_mapped_to_nothing_leaves_the_field_alone(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        person = UserFactory(email="lea.martin@example.com")
        Profile.objects.filter(user=person).update(job_title="Comptable")
        services.provider_update(
            actor=AdminFactory(), provider=oidc_provider, claims={**oidc_provider.claims, "job_title": ""}
        )
        op.next_claims = claims(job_title="Something else")
        sign_in(client, op)
        assert Profile.objects.get(user=person).job_title == "Comptable"


class TestTwoFactor:
    def test_a_token_that_proves_mfa_is_not_asked_for_the_authenticator_app_again(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        person = UserFactory(email="lea.martin@example.com")
        Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
        op.next_claims = claims(amr=["pwd", "otp"])
        answer = sign_in(client, op)
        assert answer.status_code == 302
        assert "/2fa/authenticate" not in answer["Location"]
        assert client.get("/").wsgi_request.user == person

    def test_a_password_only_token_is_asked_for_the_authenticator_app(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        person = UserFactory(email="lea.martin@example.com")
        Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
        op.next_claims = claims(amr=["pwd"])
        answer = sign_in(client, op)
        assert answer.status_code == 302
        assert answer["Location"] == "/accounts/2fa/authenticate/"
        assert not client.get("/").wsgi_request.user.is_authenticated

    def test_a_token_that_proves_mfa_satisfies_the_policy(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        _network(two_factor_required="everyone")
        UserFactory(email="lea.martin@example.com")
        op.next_claims = claims(amr=["pwd", "mfa"])
        sign_in(client, op)
        assert client.session.get(SESSION_IDP_KEY) is True
        assert client.get("/").status_code == 200

    def test_a_password_only_token_leaves_the_person_under_the_policy(
        self, client: Client, op: OpenIdProvider, oidc_provider: OidcProvider
    ) -> None:
        _network(two_factor_required="everyone")
        UserFactory(email="lea.martin@example.com")
        op.next_claims = claims(amr=["pwd"])
        sign_in(client, op)
        assert client.session.get(SESSION_IDP_KEY) is None
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/two-factor/"
