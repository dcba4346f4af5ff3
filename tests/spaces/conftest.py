from __future__ import annotations

import pytest

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
