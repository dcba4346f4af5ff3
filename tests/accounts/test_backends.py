"""accounts.backends: the signed-in user and their profile in one statement; old sessions stay signed in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.core.exceptions import ObjectDoesNotExist

from essaim.accounts.backends import AuthenticationBackend, ModelBackend, signed_in_user
from essaim.accounts.models import User
from essaim.ldap.backend import DirectoryBackend
from essaim.people.models import Profile
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_they_are_the_configured_backends():
    assert settings.AUTHENTICATION_BACKENDS == [
        "essaim.accounts.backends.ModelBackend",
        "essaim.accounts.backends.AuthenticationBackend",
        "essaim.ldap.backend.DirectoryBackend",  # after the local passwords, when /manage/ldap/ enables it
    ]


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend, DirectoryBackend])
def test_the_user_comes_with_their_profile_in_one_query(backend, django_assert_num_queries):
    person = UserFactory(first_name="Élodie", last_name="Martin")
    Profile.objects.filter(user=person).update(job_title="Juriste")
    with django_assert_num_queries(1):
        user = backend().get_user(str(person.pk))
        assert user.profile.job_title == "Juriste"
    orm = User.objects.get(pk=person.pk)
    assert user == orm
    assert {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields} == {
        f.attname: getattr(orm, f.attname) for f in User._meta.concrete_fields
    }
    assert user.profile == Profile.objects.get(user=person)
    assert user.profile.user is user


@pytest.mark.django_db(transaction=True)
def test_the_async_path_reads_the_same_way():
    from concurrent.futures import ThreadPoolExecutor

    from asgiref.sync import async_to_sync

    person = UserFactory()
    # In a thread of its own: a browser test earlier in this worker may have left its event loop on this one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        user = thread.submit(async_to_sync(ModelBackend().aget_user), person.pk).result()
    assert user == person
    assert "profile" in user._state.fields_cache


def test_an_inactive_user_is_not_signed_in():
    person = UserFactory(is_active=False)
    assert ModelBackend().get_user(person.pk) is None


def test_an_unknown_user_is_nobody():
    assert signed_in_user(987654) is None


def test_a_user_without_a_profile_raises_as_the_orm_does():
    person = UserFactory()
    Profile.objects.filter(user=person).delete()
    user = signed_in_user(person.pk)
    assert user is not None
    with pytest.raises(ObjectDoesNotExist):
        _ = user.profile


@pytest.mark.parametrize(
    "old_path",
    ["django.contrib.auth.backends.ModelBackend", "allauth.account.auth_backends.AuthenticationBackend"],
)
def test_a_session_signed_in_by_the_backends_they_replace_stays_signed_in(client, old_path):
    person = UserFactory()
    store = DjangoStore()
    store[SESSION_KEY] = str(person.pk)
    store[BACKEND_SESSION_KEY] = old_path
    store[HASH_SESSION_KEY] = person.get_session_auth_hash()
    store.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user == person


def test_signing_in_records_the_new_path(client):
    person = UserFactory(email="nina@example.com")
    person.set_password("un-mot-de-passe-solide")
    person.save()
    assert client.login(username=person.email, password="un-mot-de-passe-solide")
    assert client.session[BACKEND_SESSION_KEY] == "essaim.accounts.backends.ModelBackend"
