"""Signing in with the directory's password through the real sign-in form (allauth's), against a real OpenLDAP:
a first sign-in makes the account and fills the profile; a wrong password or someone outside the people's
filter is refused as any wrong password is; a directory that cannot be reached is said so, in the person's
language; a local password still works then; a disabled directory signs nobody in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from essaim.accounts.models import User
from essaim.ldap.models import LdapDirectory, LdapIdentity
from tests.accounts.factories import PASSWORD, UserFactory
from tests.ldap import server
from tests.ldap.server import Slapd

pytestmark = pytest.mark.django_db
UNREACHABLE = (
    "The company directory cannot be reached right now, so your directory password cannot be checked. Try again "
    "in a few minutes; if it lasts, tell your IT department."
)


def french_catalogue_has(msgid: str) -> None:
    """The French tests need this branch's strings in the catalogue (fr-ldap.tsv, merged by the integrator)."""
    with translation.override("fr"):
        if translation.gettext(msgid) == msgid:
            pytest.skip("the French catalogue does not have this branch's strings yet (fr-ldap.tsv)")


def _sign_in(client: Client, login: str, password: str, **headers: str) -> object:
    return client.post("/accounts/login/", {"login": login, "password": password}, headers=headers)


def _signed_in(client: Client) -> User | None:
    response = client.get("/")
    user = response.wsgi_request.user  # type: ignore[attr-defined]
    return user if user.is_authenticated else None


class TestSignIn:
    def test_a_person_of_the_directory_signs_in_and_gets_their_account(
        self, client: Client, directory: LdapDirectory
    ) -> None:
        response = _sign_in(client, server.email(12), server.password(12))
        assert response.status_code == 302  # type: ignore[attr-defined]
        user = _signed_in(client)
        assert user is not None
        assert user.email == server.email(12)
        assert not user.has_usable_password()  # the directory keeps the password
        assert LdapIdentity.objects.get(user=user).dn == server.dn(12)
        profile = User.objects.get(pk=user.pk).profile
        assert profile.department is not None
        assert profile.department.name == server.department_of(12)
        assert profile.job_title == "Chargé·e de projet"

    def test_the_address_is_matched_whatever_its_case(self, client: Client, directory: LdapDirectory) -> None:
        _sign_in(client, server.email(12).upper(), server.password(12))
        assert _signed_in(client) is not None

    def test_an_existing_account_is_linked_by_its_address(self, client: Client, directory: LdapDirectory) -> None:
        existing = UserFactory(email=server.email(13))
        _sign_in(client, server.email(13), server.password(13))
        assert _signed_in(client) == existing

    def test_a_wrong_password_is_refused(self, client: Client, directory: LdapDirectory) -> None:
        response = _sign_in(client, server.email(12), "not-the-password")
        assert response.status_code == 200  # type: ignore[attr-defined]
        assert "not correct" in response.content.decode()  # type: ignore[attr-defined]
        assert _signed_in(client) is None
        assert not User.objects.filter(email=server.email(12)).exists()

    def test_someone_outside_the_filter_is_refused(self, client: Client, directory: LdapDirectory) -> None:
        LdapDirectory.objects.filter(pk=1).update(user_filter="(departmentNumber=Finance)")
        outsider = next(i for i in range(12, 40) if server.department_of(i) != "Finance")
        _sign_in(client, server.email(outsider), server.password(outsider))
        assert _signed_in(client) is None

    def test_a_deactivated_person_cannot_sign_in(self, client: Client, directory: LdapDirectory) -> None:
        _sign_in(Client(), server.email(12), server.password(12))
        User.objects.filter(email=server.email(12)).update(is_active=False)
        _sign_in(client, server.email(12), server.password(12))
        assert _signed_in(client) is None

    def test_a_disabled_directory_signs_nobody_in(self, client: Client, directory: LdapDirectory) -> None:
        LdapDirectory.objects.filter(pk=1).update(enabled=False)
        _sign_in(client, server.email(12), server.password(12))
        assert _signed_in(client) is None


class TestDirectoryDown:
    def test_the_person_is_told_the_directory_cannot_be_reached(
        self, client: Client, directory: LdapDirectory, slapd: Slapd
    ) -> None:
        slapd.stop()
        response = _sign_in(client, server.email(12), server.password(12))
        assert response.status_code == 200  # type: ignore[attr-defined]
        assert "The company directory cannot be reached right now" in response.content.decode()  # type: ignore[attr-defined]
        assert _signed_in(client) is None

    def test_in_french(self, client: Client, directory: LdapDirectory, slapd: Slapd) -> None:
        french_catalogue_has(UNREACHABLE)
        slapd.stop()
        response = _sign_in(client, server.email(12), server.password(12), accept_language="fr")
        assert "L’annuaire de l’entreprise est injoignable" in response.content.decode()  # type: ignore[attr-defined]

    def test_a_local_password_still_works(self, client: Client, directory: LdapDirectory, slapd: Slapd) -> None:
        local = UserFactory()
        slapd.stop()
        _sign_in(client, local.email, PASSWORD)
        assert _signed_in(client) == local
