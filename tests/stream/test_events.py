"""What the stream's services emit (``essaim.events``): each write its event, by ids, and a refused
write nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from essaim.accounts.models import User
from essaim.events.types import (
    AnnouncementPublished,
    CommentCreated,
    Event,
    PostCreated,
    PostDeleted,
    PostEdited,
    PostHidden,
    ReactionAdded,
    ReactionRemoved,
)
from essaim.spaces.models import Membership, Space
from essaim.stream import services, timelines
from essaim.stream.models import Post


@pytest.fixture
def post(employee: User, colleague: User) -> Post:
    return services.post_create(actor=employee, body="Réunion jeudi")


class TestPosts:
    def test_a_post_says_who_it_mentions_and_that_it_reached_its_timelines(
        self, employee: User, colleague: User, capture_events: list[Event]
    ) -> None:
        post = services.post_create(actor=employee, body="Merci @eloise.dupre et @lea.martin")
        assert capture_events == [
            PostCreated(
                actor_id=employee.pk, post_id=post.pk, space_id=None, mentioned_ids=(colleague.pk,), delivered=True
            )
        ]

    @pytest.fixture
    def two_members(
        self, employee: User, colleague: User, public_space: Space, join: Callable[..., Membership]
    ) -> Space:
        join(employee, public_space)
        join(colleague, public_space)
        return public_space

    def test_a_post_for_a_large_audience_leaves_its_delivery_to_the_consumer(
        self, employee: User, two_members: Space, capture_events: list[Event], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        public_space = two_members
        monkeypatch.setattr(timelines, "BATCH", 1)
        post = services.post_create(actor=employee, body="Pour l'atelier", space=public_space)
        assert capture_events == [PostCreated(actor_id=employee.pk, post_id=post.pk, space_id=public_space.pk)]

    def test_an_edit_names_only_the_people_it_newly_mentions(
        self, employee: User, colleague: User, capture_events: list[Event]
    ) -> None:
        post = services.post_create(actor=employee, body="Merci @eloise.dupre")
        third = User.objects.create(handle="zoe.tiers", email="zoe@example.com", first_name="Zoé", last_name="Tiers")
        services.post_edit(actor=employee, post=post, body="Merci @eloise.dupre et @zoe.tiers")
        assert capture_events[1:] == [PostEdited(actor_id=employee.pk, post_id=post.pk, mentioned_ids=(third.pk,))]

    def test_deleting_and_hiding(self, post: Post, employee: User, network_admin: User, capture_events) -> None:
        post_id = post.pk
        services.post_hide(actor=network_admin, post=post)
        services.post_hide(actor=network_admin, post=post, hidden=False)
        services.post_delete(actor=employee, post=post)
        assert capture_events == [
            PostHidden(actor_id=network_admin.pk, post_id=post_id, hidden=True),
            PostHidden(actor_id=network_admin.pk, post_id=post_id, hidden=False),
            PostDeleted(actor_id=employee.pk, post_id=post_id, author_id=employee.pk, space_id=None),
        ]

    def test_an_announcement(self, post: Post, communication: User, capture_events: list[Event]) -> None:
        services.announcement_set(actor=communication, post=post, expires_at=timezone.now() + timedelta(days=2))
        assert capture_events == [AnnouncementPublished(actor_id=communication.pk, post_id=post.pk)]

    def test_a_refused_write_emits_nothing(self, post: Post, colleague: User, capture_events: list[Event]) -> None:
        with pytest.raises(PermissionDenied):
            services.post_delete(actor=colleague, post=post)
        assert capture_events == []


class TestCommentsAndReactions:
    def test_a_reply_names_its_thread_and_whom_it_mentions(
        self, post: Post, employee: User, colleague: User, capture_events: list[Event]
    ) -> None:
        first = services.comment_create(actor=colleague, post=post, body="Je viens")
        reply = services.comment_create(actor=employee, post=post, body="Super @eloise.dupre", parent=first)
        assert capture_events == [
            CommentCreated(actor_id=colleague.pk, comment_id=first.pk, post_id=post.pk, parent_id=None),
            CommentCreated(
                actor_id=employee.pk,
                comment_id=reply.pk,
                post_id=post.pk,
                parent_id=first.pk,
                mentioned_ids=(colleague.pk,),
            ),
        ]

    def test_a_reaction_and_its_withdrawal_once_each_and_repetitions_not_at_all(
        self, post: Post, colleague: User, capture_events: list[Event]
    ) -> None:
        services.reaction_add(actor=colleague, post=post, emoji="👍")
        services.reaction_add(actor=colleague, post=post, emoji="👍")
        services.reaction_remove(actor=colleague, post=post, emoji="👍")
        services.reaction_remove(actor=colleague, post=post, emoji="👍")
        assert capture_events == [
            ReactionAdded(actor_id=colleague.pk, post_id=post.pk, emoji="👍"),
            ReactionRemoved(actor_id=colleague.pk, post_id=post.pk, emoji="👍"),
        ]
