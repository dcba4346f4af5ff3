"""A small realistic corpus, written through the services and indexed by the durable consumer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from essaim.accounts.models import User
from essaim.spaces.models import Membership, Space
from essaim.stream import services
from essaim.stream.models import Post
from tests.accounts.factories import UserFactory
from tests.spaces.factories import MembershipFactory, SpaceFactory


@dataclass
class Corpus:
    author: User
    english: User
    reader: User
    atlas: Space
    secret: Space
    posts: dict[str, Post]


@pytest.fixture
def corpus(db: None, drain_outbox: Callable[[], int]) -> Corpus:
    author = UserFactory(first_name="Camille", last_name="Roux", handle="camille.roux", language="fr")
    english = UserFactory(first_name="John", last_name="Smith", handle="john.smith", language="en")
    reader = UserFactory(first_name="Paul", last_name="Lecteur", handle="paul.lecteur")
    atlas = SpaceFactory(name="Projet Atlas", slug="projet-atlas")
    secret = SpaceFactory(name="Fusion", slug="fusion", visibility=Space.Visibility.SECRET)
    for space in (atlas, secret):
        MembershipFactory(space=space, user=author, role=Membership.Role.OWNER)
    MembershipFactory(space=atlas, user=english)
    posts = {
        "reunion": services.post_create(actor=author, body="Compte rendu de la réunion d'équipe de lundi #planning"),
        "reunions": services.post_create(actor=author, body="Les réunions du vendredi sont annulées jusqu'en janvier."),
        "meeting": services.post_create(actor=english, body="Meeting notes: the quarterly meetings move to Thursday."),
        "budget": services.post_create(
            actor=author, body="Le plan de charge et le budget de l'atelier pour 2027", space=atlas
        ),
        "charge": services.post_create(actor=author, body="Le plan de charge du projet Atlas est prêt", space=atlas),
        "secret": services.post_create(actor=author, body="Réunion confidentielle sur la fusion", space=secret),
    }
    drain_outbox()
    return Corpus(author=author, english=english, reader=reader, atlas=atlas, secret=secret, posts=posts)
