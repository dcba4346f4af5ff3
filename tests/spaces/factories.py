from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from essaim.core.text import fold
from essaim.spaces.models import Membership, Space
from tests.accounts.factories import UserFactory


class SpaceFactory(DjangoModelFactory[Space]):
    class Meta:
        model = Space

    name = factory.Sequence(lambda n: f"Espace {n}")
    slug = factory.Sequence(lambda n: f"espace-{n}")
    visibility = Space.Visibility.PUBLIC
    search_key = factory.LazyAttribute(lambda space: fold(space.name))


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    space = factory.SubFactory(SpaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


def member(space: Space, role: str = Membership.Role.MEMBER, **user_fields: object) -> Membership:
    """A new person holding ``role`` in ``space``."""
    return MembershipFactory(space=space, role=role, user=UserFactory(**user_fields))
