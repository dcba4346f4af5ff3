from __future__ import annotations

import pytest

from essaim.ideas import services
from essaim.ideas.models import Idea
from essaim.spaces.models import Membership, Space
from tests.spaces.factories import SpaceFactory, member


@pytest.fixture
def space(db: None) -> Space:
    return SpaceFactory(name="Atelier", slug="atelier")


@pytest.fixture
def space_admin(space):
    return member(space, Membership.Role.ADMIN, handle="adrien.admin", first_name="Adrien").user


@pytest.fixture
def moderator(space):
    return member(space, Membership.Role.MODERATOR, handle="mona.moderatrice", first_name="Mona").user


@pytest.fixture
def proposer(space):
    return member(space, handle="paul.propose", first_name="Paul").user


@pytest.fixture
def box(space, space_admin):
    return services.idea_box_enable(actor=space_admin, space=space)


@pytest.fixture
def make_idea(space, box):
    def make(author, body: str = "Un jardin sur le toit") -> Idea:
        post = services.idea_propose(actor=author, space=space, body=body)
        return Idea.objects.select_related("post__space").get(pk=post.pk)

    return make


@pytest.fixture
def voter(space):
    return member(space, handle="vera.vote", first_name="Véra").user
