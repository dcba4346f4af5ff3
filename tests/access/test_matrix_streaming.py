"""Mastodon's streaming API never reveals a post to someone who may not see it, generated from the policy's world.

The world is ``test_visible_among``'s (a post of every kind, hidden or not, in every kind of space; people of every
kind). Every post is created and edited in the live pages' consumer (``realtime.consumers``); then each person's
streams (``user``, ``public:local``, the list of each of their spaces), offered the live events as the hub offers
them (the reader in the audience, the channel taking the row), send ``update`` and ``status.update`` about posts
``access.visible`` keeps for them only, and ``status.update`` about every one of them on the ``user`` stream.
"""

from __future__ import annotations

from typing import Any

import pytest

from essaim import access
from essaim.accounts.models import User
from essaim.api.streaming import readers
from essaim.api.streaming.channels import Channel
from essaim.events.types import PostCreated, PostEdited
from essaim.realtime import consumers, messages
from essaim.spaces.models import Membership
from essaim.stream.models import Post
from tests.access import test_visible_among
from tests.access.test_visible_among import World

world = test_visible_among.world  # the fixture, shared
SCOPE = {
    "type": "http",
    "path": "/api/v1/streaming/user",
    "query_string": b"",
    "headers": [(b"host", b"testserver")],
    "server": ("testserver", 80),
    "scheme": "http",
}


@pytest.fixture
def everyone(world: World) -> list[User]:
    return list(User.objects.order_by("pk"))


def _visible(person: User) -> set[str]:
    return {str(pk) for pk in access.visible(person, Post.objects.all()).values_list("pk", flat=True)}


def test_every_streamed_status_is_one_its_reader_may_see(
    world: World, everyone: list[User], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for post in Post.objects.select_related("space"):
            for event in (
                PostCreated(actor_id=post.author_id, post_id=post.pk, space_id=post.space_id),
                PostEdited(actor_id=post.author_id, post_id=post.pk),
            ):
                consumers.tell_pages_about_a_post(event)
    rows = messages.rows_after(0, limit=100_000)
    for person in everyone:
        reader = messages.load_reader(person)
        if reader is None:  # signed out or deactivated: no stream opens (readers.open_session refuses)
            continue
        spaces = Membership.objects.filter(user=person).values_list("space_id", flat=True)
        channels = [Channel("user"), Channel("public:local"), *(Channel("list", list_id=pk) for pk in spaces)]
        session = readers.Session(
            user=person, raw_token="", granted=None, request=readers.request_for(SCOPE), reader=reader, language="en"
        )
        session.channels = channels
        session.request.user = person  # as readers.open_session sets it
        admitted = [row for row in rows if reader.admitted(row.audience)]  # what the hub offers this reader
        sent = readers.messages_for(session, admitted)
        expected = _visible(person)
        streamed = {(channel.name, event, status["id"]) for channel, event, status in sent}
        assert {status_id for _c, _e, status_id in streamed} <= expected, person.handle
        edited_on_user = {
            status_id for name, event, status_id in streamed if (name, event) == ("user", "status.update")
        }
        assert edited_on_user == expected, person.handle
