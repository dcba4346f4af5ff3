"""accounts.sessions: Django's database sessions, read with a statement written once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from essaim.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _saved(**data: object) -> str:
    store = DjangoStore()
    store.update(data)
    store.save()
    assert store.session_key is not None
    return store.session_key


def test_it_is_the_configured_engine():
    assert settings.SESSION_ENGINE == "essaim.accounts.sessions"


def test_it_reads_what_djangos_own_store_wrote_and_djangos_reads_it_back():
    key = _saved(colour="bleu", count=3)
    assert dict(SessionStore(key).items()) == {"colour": "bleu", "count": 3}
    ours = SessionStore(key)
    ours["count"] = 4
    ours.save()
    assert DjangoStore(key)["count"] == 4


def test_the_session_row_is_the_orms_instance(django_assert_num_queries):
    key = _saved(colour="vert")
    store = SessionStore(key)
    with django_assert_num_queries(1):
        row = store._get_session_from_db()
    assert row == Session.objects.get(session_key=key)
    assert row is not None
    assert row.expire_date == Session.objects.get(session_key=key).expire_date


def test_an_expired_session_is_empty_and_starts_anew():
    key = _saved(colour="rouge")
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    store = SessionStore(key)
    assert dict(store.items()) == {}
    assert store.session_key is None


def test_an_unknown_key_is_empty():
    store = SessionStore("x" * 32)
    assert store.get("colour") is None
    assert store.session_key is None


def test_a_signed_in_person_stays_signed_in_across_pages(client, employee):
    client.force_login(employee)
    assert client.get("/").status_code == 200
    assert client.get("/company/").status_code == 200
    Session.objects.all().update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/").status_code == 302  # expired: signed out
