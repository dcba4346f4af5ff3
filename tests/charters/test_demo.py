"""The demo's charter: everyone in the demo has accepted it; someone invited later has it to accept."""

from __future__ import annotations

import pytest

from essaim.accounts.models import User
from essaim.charters import selectors
from essaim.charters.demo import demo_charter_create
from tests.accounts.factories import GuestFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_people_have_accepted_it_and_newcomers_have_not(network_admin: User, employee: User) -> None:
    guest = GuestFactory()
    charter = demo_charter_create(admin=network_admin)
    assert charter.version == 1
    assert charter.body("fr").startswith("Bienvenue")
    assert charter.body("en").startswith("Welcome")
    assert [selectors.pending_for(person) for person in (network_admin, employee, guest)] == [None, None, None]
    assert selectors.pending_for(UserFactory()) == charter
