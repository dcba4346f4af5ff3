from __future__ import annotations

import pytest
from django.test import Client
from django.test.client import ClientHandler

from essaim.accounts.models import User
from essaim.spaces.models import Membership, Space
from tests.spaces.factories import MembershipFactory, SpaceFactory


@pytest.fixture
def space(db: None) -> Space:
    return SpaceFactory(name="Projet Atlas", slug="projet-atlas", search_key="projet atlas")


@pytest.fixture
def owner(space: Space) -> User:
    return MembershipFactory(space=space, role=Membership.Role.OWNER).user


@pytest.fixture
def space_admin(space: Space) -> User:
    return MembershipFactory(space=space, role=Membership.Role.ADMIN).user


@pytest.fixture
def space_member(space: Space) -> User:
    return MembershipFactory(space=space, role=Membership.Role.MEMBER).user


@pytest.fixture(scope="session")
def _client_handler() -> ClientHandler:
    """One request handler for the whole run: building the middleware (WhiteNoise indexes every static
    file) costs seconds, so test clients share it."""
    return ClientHandler(enforce_csrf_checks=False)


@pytest.fixture
def client(_client_handler: ClientHandler) -> Client:
    test_client = Client()
    test_client.handler = _client_handler
    return test_client
