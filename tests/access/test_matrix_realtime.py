"""Live pages never reveal a post to someone who may not see it, generated from the policy's world.

The world is ``test_visible_among``'s (a post of every kind, hidden or not, in every kind of space; people
of every kind). Every post is created, edited, commented on and reacted to in the live pages' consumer
(``realtime.consumers``); then each person's stream (``realtime.messages.select``, what both servers send)
is told about exactly the posts ``access.visible`` keeps for them, and one post's card
(``/posts/<id>/card``, what a live page fetches) is drawn for exactly them too. The stream and the bell
answer signed-in people only.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from essaim import access
from essaim.accounts.models import User
from essaim.events.types import CommentCreated, PostCreated, PostEdited, ReactionAdded
from essaim.realtime import consumers, messages
from essaim.stream.models import Comment, Post
from tests.access import test_visible_among
from tests.access.conftest import assert_answer, read_table
from tests.access.test_visible_among import World
from tests.accounts.factories import GuestFactory, UserFactory

world = test_visible_among.world  # the fixture, shared


@pytest.fixture
def everyone(world: World) -> list[User]:
    return list(User.objects.order_by("pk"))


def _visible(person: User) -> set[str]:
    return {str(pk) for pk in access.visible(person, Post.objects.all()).values_list("pk", flat=True)}


def test_every_live_event_about_a_post_reaches_exactly_its_readers(
    world: World, everyone: list[User], django_capture_on_commit_callbacks: Any
) -> None:
    commenter = world.actors["space_moderator"]
    with django_capture_on_commit_callbacks(execute=True):
        for post in Post.objects.select_related("space"):
            comment = Comment.objects.create(post=post, author=commenter, body="Vu")
            for event in (
                PostCreated(actor_id=post.author_id, post_id=post.pk, space_id=post.space_id),
                PostEdited(actor_id=post.author_id, post_id=post.pk),
                CommentCreated(actor_id=commenter.pk, comment_id=comment.pk, post_id=post.pk, parent_id=None),
                ReactionAdded(actor_id=commenter.pk, post_id=post.pk, emoji="👍"),
            ):
                consumers.tell_pages_about_a_post(event)
    rows = messages.rows_after(0, limit=100_000)
    assert len(rows) == 4 * Post.objects.count()
    for person in everyone:
        reader = messages.load_reader(person)
        told = messages.select(reader, rows) if reader is not None else []
        about: dict[str, set[str]] = {}
        for message in told:
            kind = message.split(b"event: ")[1].split(b"\n")[0].decode()
            post_id = message.split(b'"post":"')[1].split(b'"')[0].decode()
            about.setdefault(kind, set()).add(post_id)
        expected = _visible(person)
        for kind in ("post", "post-edited", "comment", "reactions"):
            assert about.get(kind, set()) == expected, (person.handle, kind)


def test_a_posts_card_is_drawn_for_exactly_its_readers(world: World, everyone: list[User]) -> None:
    posts = list(Post.objects.order_by("pk"))
    for person in everyone:
        if not person.is_active:
            continue
        client = Client()
        client.force_login(person)
        expected = _visible(person)
        for post in posts:
            answer = client.get(f"/posts/{post.pk}/card").status_code
            assert answer == (200 if str(post.pk) in expected else 404), (person.handle, post.body)


SURFACES = read_table(
    """
    signed_out  401 login
    employee    200 200
    guest       200 200
    deactivated 401 login
    """,
    ["/live/events", "/notifications/bell/"],
)


@pytest.mark.parametrize(("who", "path"), list(SURFACES))
def test_the_stream_and_the_bell_answer_signed_in_people(who: str, path: str, db: None) -> None:
    client = Client()
    people = {
        "employee": UserFactory,
        "guest": GuestFactory,
        "deactivated": lambda: UserFactory(is_active=False),
    }
    if who in people:
        client.force_login(people[who]())
    response = client.get(path)
    assert_answer(response, SURFACES[(who, path)])
    if response.status_code == 200 and path == "/live/events":
        response.close()  # type: ignore[attr-defined]
