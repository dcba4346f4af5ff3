"""A person who wrote a little of everything, and a colleague around them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.accounts.models import User
from essaim.people.services import follow_create
from essaim.spaces.models import Space
from essaim.stream import services as stream
from essaim.stream.models import Comment, Post
from tests.accounts.factories import UserFactory
from tests.spaces.factories import SpaceFactory, member


@pytest.fixture
def space(db: None) -> Space:
    return SpaceFactory(slug="qualite", name="Qualité")


@pytest.fixture
def person(space: Space) -> User:
    return member(space, first_name="Élise", last_name="Martin", email="elise@example.com").user


@pytest.fixture
def colleague(space: Space) -> User:
    return member(space, first_name="Karim", last_name="Haddad").user


@pytest.fixture
def their_post(person: User, space: Space) -> Post:
    post = stream.post_create(
        actor=person,
        body="Première version du compte rendu",
        space=space,
        attachments=[SimpleUploadedFile("notes.txt", "Réunion qualité".encode(), content_type="text/plain")],
    )
    return stream.post_edit(actor=person, post=post, body="Compte rendu de la réunion qualité")


@pytest.fixture
def colleagues_post(colleague: User, space: Space) -> Post:
    return stream.post_create(actor=colleague, body="Qui vient à la formation ?", space=space)


@pytest.fixture
def their_comment(person: User, colleagues_post: Post) -> Comment:
    return stream.comment_create(
        actor=person,
        post=colleagues_post,
        body="Moi !",
        attachments=[SimpleUploadedFile("inscription.txt", b"oui", content_type="text/plain")],
    )


@pytest.fixture
def everything(person: User, colleague: User, their_post: Post, colleagues_post: Post, their_comment: Comment) -> None:
    """Their post (edited, with a file), their comment (with a file) and reaction under a colleague's post,
    a colleague's comment and reaction under theirs, follows both ways."""
    stream.reaction_add(actor=person, post=colleagues_post, emoji="👍")
    stream.reaction_add(actor=colleague, post=their_post, emoji="🎉")
    stream.comment_create(actor=colleague, post=their_post, body="Merci Élise")
    follow_create(actor=person, user=colleague)
    follow_create(actor=colleague, user=person)


@pytest.fixture
def stranger(db: None) -> User:
    return UserFactory()
