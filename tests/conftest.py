"""Composed fixtures shared by every test module."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from essaim.accounts.models import User
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def employee(db: None) -> User:
    return UserFactory(first_name="Léa", last_name="Martin", handle="lea.martin")


@pytest.fixture
def colleague(db: None) -> User:
    return UserFactory(first_name="Éloïse", last_name="Dupré", handle="eloise.dupre")


@pytest.fixture
def guest(db: None) -> User:
    return GuestFactory(first_name="Gaspard", last_name="Extern", handle="gaspard.extern")


@pytest.fixture
def network_admin(db: None) -> User:
    return AdminFactory(first_name="Adèle", last_name="Admin", handle="adele.admin")
