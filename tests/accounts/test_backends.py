"""The authentication backends load the signed-in person with their profile."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory

from essaim.accounts.backends import AuthenticationBackend, ModelBackend


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
class TestGetUser:
    def test_the_profile_comes_with_the_user(self, backend, employee, django_assert_num_queries) -> None:
        with django_assert_num_queries(1):
            user = backend().get_user(employee.pk)
            assert user is not None
            assert user.profile.pk == employee.profile.pk

    def test_an_unknown_or_deactivated_person_is_nobody(self, backend, employee) -> None:
        assert backend().get_user(10**12) is None
        employee.is_active = False
        employee.save(update_fields=["is_active"])
        assert backend().get_user(employee.pk) is None


def test_a_signed_in_request_reads_the_header_photo_without_another_query(
    client, employee, django_assert_num_queries
) -> None:
    client.force_login(employee)
    request = RequestFactory().get("/")
    request.session = client.session
    with django_assert_num_queries(2):  # the session, the person with their profile
        user = get_user(request)
        assert user.pk == employee.pk
        assert user.profile.job_title == employee.profile.job_title


def test_signing_in_with_a_password_uses_these_backends(client, employee) -> None:
    employee.set_password("un mot de passe solide")
    employee.save()
    response = client.post("/accounts/login/", {"login": employee.email, "password": "un mot de passe solide"})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"].startswith("essaim.accounts.backends.")
