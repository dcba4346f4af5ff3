"""Pre-approval (issue 21 item 3): a post that waits is its author's and its moderators' alone until a moderator
approves it — then it is published as if it had just been written — or rejects it, with a word to its author."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from essaim.accounts.models import User
from essaim.api.services import personal_token_create
from essaim.audit.models import AuditAction, AuditEntry
from essaim.events.types import Event, PostCreated, PostDeleted
from essaim.moderation import approval
from essaim.moderation.models import ModerationWarning
from essaim.spaces import selectors as space_selectors
from essaim.spaces.models import Space
from essaim.stream import services as stream
from essaim.stream.models import HomeEntry, Post
from tests.spaces.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def space(space: Space) -> Space:
    space.post_approval = Space.PostApproval.MEMBERS
    space.save(update_fields=["post_approval"])
    return space


@pytest.fixture
def waiting(author: User, space: Space, reporter: User, capture_events: list[Event]) -> Post:
    post = stream.post_create(actor=author, body="Le planning du chantier, @lea.martin", space=space)
    assert capture_events == []  # said to nobody yet
    return post


@pytest.fixture
def reader(space: Space) -> User:
    return member(space, first_name="Inès", last_name="Petit").user


class TestWaiting:
    def test_the_post_is_saved_hidden_and_waiting(self, waiting: Post) -> None:
        assert waiting.awaiting_approval
        assert waiting.hidden_at is not None

    def test_its_author_sees_it_marked_waiting(self, client: Client, author: User, waiting: Post) -> None:
        client.force_login(author)
        page = client.get(waiting.get_absolute_url())
        assert page.status_code == 200
        assert "Waiting for approval" in page.text

    def test_other_members_see_nothing_of_it(self, client: Client, reader: User, space: Space, waiting: Post) -> None:
        client.force_login(reader)
        assert client.get(waiting.get_absolute_url()).status_code == 404
        assert "planning du chantier" not in client.get(space.get_absolute_url()).text
        token = personal_token_create(actor=reader, name="app")[1]
        timeline = client.get(f"/api/v1/timelines/space/{space.pk}", headers={"authorization": f"Bearer {token}"})
        assert "planning du chantier" not in timeline.text
        assert not HomeEntry.objects.filter(post=waiting).exists()

    def test_its_moderators_find_it_in_their_queue(self, client: Client, moderator: User, waiting: Post) -> None:
        assert list(approval.awaiting_for(actor=moderator)) == [waiting]
        client.force_login(moderator)
        page = client.get(reverse("moderation:queue"))
        assert "planning du chantier" in page.text
        assert "Posts waiting for approval" in page.text

    def test_it_counts_in_its_moderators_navigation_and_nobody_elses(
        self, moderator: User, reader: User, author: User, waiting: Post
    ) -> None:
        assert space_selectors.pending_for(actor=moderator).moderation == 1
        assert space_selectors.pending_for(actor=reader).moderation == 0
        assert space_selectors.pending_for(actor=author).moderation == 0
        approval.post_approve(actor=moderator, post=waiting)
        assert space_selectors.pending_for(actor=moderator).moderation == 0

    def test_it_cannot_be_shown_by_unhiding_it(self, moderator: User, waiting: Post) -> None:
        with pytest.raises(ValidationError, match="waiting for approval"):
            stream.post_hide(actor=moderator, post=waiting, hidden=False)


class TestApprove:
    def test_the_post_is_published_and_said_as_if_just_written(
        self, moderator: User, reporter: User, waiting: Post, capture_events: list[Event]
    ) -> None:
        approval.post_approve(actor=moderator, post=waiting)
        waiting.refresh_from_db()
        assert (waiting.awaiting_approval, waiting.hidden_at) == (False, None)
        assert [(type(e), e.mentioned_ids) for e in capture_events] == [(PostCreated, (reporter.pk,))]  # type: ignore[attr-defined]
        assert AuditEntry.objects.filter(action=AuditAction.POST_APPROVED, target_id=str(waiting.pk)).exists()

    def test_its_readers_see_it_then(self, client: Client, moderator: User, reader: User, waiting: Post) -> None:
        approval.post_approve(actor=moderator, post=waiting)
        client.force_login(reader)
        assert client.get(waiting.get_absolute_url()).status_code == 200

    def test_only_the_space_moderators_decide(self, reader: User, author: User, waiting: Post) -> None:
        for someone in (reader, author):
            with pytest.raises(PermissionDenied):
                approval.post_approve(actor=someone, post=waiting)

    def test_a_post_decided_already_is_said_so(self, moderator: User, waiting: Post) -> None:
        approval.post_approve(actor=moderator, post=waiting)
        with pytest.raises(ValidationError, match="not waiting"):
            approval.post_approve(actor=moderator, post=waiting)


class TestReject:
    def test_the_post_is_deleted_and_its_author_told_why(
        self, moderator: User, author: User, waiting: Post, capture_events: list[Event]
    ) -> None:
        post_id = waiting.pk
        approval.post_reject(actor=moderator, post=waiting, note="  Merci de passer par le ticket.  ")
        assert not Post.objects.filter(pk=post_id).exists()
        assert list(ModerationWarning.objects.filter(user=author).values_list("message", flat=True)) == [
            "Merci de passer par le ticket."
        ]
        assert [type(e) for e in capture_events] == [PostDeleted]
        assert AuditEntry.objects.filter(action=AuditAction.POST_REJECTED, target_id=str(post_id)).exists()

    def test_a_reason_is_required(self, moderator: User, waiting: Post) -> None:
        with pytest.raises(ValidationError, match="why"):
            approval.post_reject(actor=moderator, post=waiting, note="   ")
        assert Post.objects.filter(pk=waiting.pk).exists()


class TestPages:
    def test_approving_from_the_queue(self, client: Client, moderator: User, waiting: Post) -> None:
        client.force_login(moderator)
        url = reverse("moderation:approval-decide", kwargs={"post_id": waiting.pk})
        assert client.post(url, {"decision": "approve"}).status_code == 302
        assert not Post.objects.get(pk=waiting.pk).awaiting_approval

    def test_rejecting_without_a_reason_keeps_the_post_and_says_why(
        self, client: Client, moderator: User, waiting: Post
    ) -> None:
        client.force_login(moderator)
        url = reverse("moderation:approval-decide", kwargs={"post_id": waiting.pk})
        answer = client.post(url, {"decision": "reject", "note": ""})
        assert answer.status_code == 400
        assert "Tell the author why" in answer.text
        assert Post.objects.filter(pk=waiting.pk).exists()

    def test_a_moderator_of_another_space_gets_not_found(
        self, client: Client, waiting: Post, django_user_model: Any
    ) -> None:
        from tests.spaces.factories import SpaceFactory

        elsewhere = member(SpaceFactory(), "moderator").user
        client.force_login(elsewhere)
        url = reverse("moderation:approval-decide", kwargs={"post_id": waiting.pk})
        assert client.post(url, {"decision": "approve"}).status_code == 404

    def test_the_space_settings_choose_whose_posts_wait(
        self, client: Client, space: Space, django_capture_on_commit_callbacks: Callable[..., Any]
    ) -> None:
        owner = member(space, "owner").user
        client.force_login(owner)
        form = {"name": space.name, "visibility": space.visibility, "post_approval": "guests", "description": ""}
        answer = client.post(reverse("spaces:space-settings", kwargs={"slug": space.slug}), form)
        assert answer.status_code == 302
        space.refresh_from_db()
        assert space.post_approval == "guests"
        assert AuditEntry.objects.get(action=AuditAction.SPACE_SETTINGS_CHANGED).details["changed"][
            "post_approval"
        ] == [
            "members",
            "guests",
        ]
