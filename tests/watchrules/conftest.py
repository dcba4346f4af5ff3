"""A compliance officer, an author and a space; rules made through the service, as the /manage/ page makes them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from essaim.accounts.models import User
from essaim.spaces.models import Space
from essaim.watchrules import services
from essaim.watchrules.models import WatchRule
from tests.accounts.factories import UserFactory
from tests.spaces.factories import SpaceFactory, member

VALID_IBAN = "FR76 3000 6000 0112 3456 7890 189"


@pytest.fixture
def officer(db: None) -> User:
    return UserFactory(first_name="Claire", last_name="Vidal", handle="claire.vidal", is_compliance_officer=True)


@pytest.fixture
def space(db: None) -> Space:
    return SpaceFactory(name="Projet Atlas", visibility="public")


@pytest.fixture
def author(space: Space) -> User:
    return member(space, first_name="Hugo", last_name="Roux", handle="hugo.roux").user


@pytest.fixture
def make_rule(officer: User) -> Callable[..., WatchRule]:
    def make(name: str = "Clients", kind: str = "words", terms: str = "Acme", action: str = "warn") -> WatchRule:
        data = {"name": name, "kind": kind, "terms": terms, "action": action, "explanation": f"À propos de {name}"}
        return services.rule_create(actor=officer, data=data)

    return make
