"""Who is told what, end to end: services emit, the outbox's consumer (``notifications.inbox``) tells."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from essaim.accounts.models import User
from essaim.notifications import services as notification_services
from essaim.notifications.models import Notification, SpaceNotificationLevel
from essaim.people import services as people_services
from essaim.spaces import services as space_services
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream_services
from essaim.stream.models import Post
from tests.accounts.factories import UserFactory
from tests.spaces.factories import SpaceFactory, member

Kind = Notification.Kind
Role = Membership.Role


def _told(recipient: User) -> list[tuple[str, int | None]]:
    return [(n.kind, n.actor_id) for n in Notification.objects.filter(recipient=recipient).order_by("id")]


@pytest.fixture
def post(employee: User) -> Post:
    return stream_services.post_create(actor=employee, body="Réunion jeudi")


class TestPostsAndComments:
    def test_a_mention_tells_the_person_mentioned_not_the_author(
        self, employee: User, colleague: User, drain_outbox: Callable[[], int]
    ) -> None:
        stream_services.post_create(actor=employee, body="Merci @eloise.dupre et @lea.martin")
        drain_outbox()
        assert _told(colleague) == [(Kind.MENTION, employee.pk)]
        assert _told(employee) == []

    def test_a_comment_tells_the_author_a_reply_the_commenter_each_once(
        self, post: Post, employee: User, colleague: User, drain_outbox: Callable[[], int]
    ) -> None:
        third = UserFactory(handle="zoe.tiers")
        first = stream_services.comment_create(actor=colleague, post=post, body="J'y serai")
        stream_services.comment_create(actor=third, post=post, body="Moi aussi @eloise.dupre", parent=first)
        stream_services.comment_create(actor=employee, post=post, body="Parfait")  # the author's own: nobody
        drain_outbox()
        assert _told(employee) == [(Kind.COMMENT, colleague.pk), (Kind.COMMENT, third.pk)]
        assert _told(colleague) == [(Kind.MENTION, third.pk)]  # mentioned in a reply to them: told once

    def test_reactions_are_grouped_while_unread(
        self, post: Post, employee: User, drain_outbox: Callable[[], int]
    ) -> None:
        lea, marc, zoe = (UserFactory(first_name=n) for n in ("Léa", "Marc", "Zoé"))
        for who, emoji in ((lea, "👍"), (marc, "🎉"), (lea, "🎉"), (zoe, "👍")):
            stream_services.reaction_add(actor=who, post=post, emoji=emoji)
        drain_outbox()
        (grouped,) = Notification.objects.filter(recipient=employee)
        assert (grouped.kind, grouped.actor, grouped.others) == (Kind.REACTION, zoe, 2)
        grouped.read_at = grouped.created_at
        grouped.save()
        stream_services.reaction_add(actor=marc, post=post, emoji="👍")
        drain_outbox()
        assert Notification.objects.filter(recipient=employee).count() == 2  # a read group stays as it was

    def test_nothing_about_a_post_hidden_before_the_consumer_ran(
        self, employee: User, colleague: User, network_admin: User, drain_outbox: Callable[[], int]
    ) -> None:
        post = stream_services.post_create(actor=employee, body="Oups @eloise.dupre")
        stream_services.post_hide(actor=network_admin, post=post)
        drain_outbox()
        assert _told(colleague) == []

    def test_a_secret_spaces_mention_reaches_members_only(
        self, employee: User, colleague: User, drain_outbox: Callable[[], int]
    ) -> None:
        secret = SpaceFactory(visibility=Space.Visibility.SECRET)
        Membership.objects.create(space=secret, user=employee, role=Role.MEMBER)
        stream_services.post_create(actor=employee, body="Projet @eloise.dupre", space=secret)
        drain_outbox()
        assert _told(colleague) == []

    def test_running_twice_tells_once(
        self, employee: User, colleague: User, drain_outbox: Callable[[], int], capture_events
    ) -> None:
        from essaim.notifications import consumers

        stream_services.post_create(actor=employee, body="Merci @eloise.dupre")
        drain_outbox()
        consumers.inbox(capture_events[0])  # a worker that died before it could say it was done
        assert _told(colleague) == [(Kind.MENTION, employee.pk)]


class TestPeopleAndSpaces:
    def test_a_new_follower(self, employee: User, colleague: User, drain_outbox: Callable[[], int]) -> None:
        people_services.follow_create(actor=employee, user=colleague)
        people_services.follow_delete(actor=employee, user=colleague)
        people_services.follow_create(actor=employee, user=colleague)
        drain_outbox()
        assert _told(colleague) == [(Kind.FOLLOW, employee.pk)]  # following again tells nothing new

    def test_requests_go_to_who_may_answer_and_the_answer_to_who_asked(
        self, employee: User, drain_outbox: Callable[[], int]
    ) -> None:
        private = SpaceFactory(visibility=Space.Visibility.PRIVATE)
        owner, admin, moderator = (member(private, role).user for role in (Role.OWNER, Role.ADMIN, Role.MODERATOR))
        request = space_services.join_request_create(actor=employee, space=private)
        drain_outbox()
        assert {n.recipient for n in Notification.objects.filter(kind=Kind.JOIN_REQUEST)} == {owner, admin}
        space_services.join_request_approve(actor=admin, join_request=request)
        drain_outbox()
        (answer,) = Notification.objects.filter(recipient=employee)
        assert (answer.kind, answer.accepted, answer.space) == (Kind.JOIN_ANSWER, True, private)
        assert not Notification.objects.filter(recipient=moderator).exists()

    def test_an_invitation_tells_the_colleague_invited(
        self, employee: User, colleague: User, drain_outbox: Callable[[], int]
    ) -> None:
        private = SpaceFactory(visibility=Space.Visibility.PRIVATE)
        admin = member(private, Role.ADMIN).user
        space_services.invitation_create(actor=admin, space=private, user=colleague)
        drain_outbox()
        assert _told(colleague) == [(Kind.INVITATION, admin.pk)]

    def test_a_deactivated_account_is_told_nothing(
        self, employee: User, colleague: User, drain_outbox: Callable[[], int]
    ) -> None:
        stream_services.post_create(actor=employee, body="Merci @eloise.dupre")
        User.objects.filter(pk=colleague.pk).update(is_active=False)  # before the worker got to it
        drain_outbox()
        assert _told(colleague) == []


def test_a_post_that_mentions_nobody_leaves_the_notifications_nothing_to_do(employee: User) -> None:
    from essaim.events.models import OutboxItem

    stream_services.post_create(actor=employee, body="Bonjour à tous")
    assert not OutboxItem.objects.filter(consumer="notifications.inbox").exists()


class TestWhatPeopleChose:
    """The consumer honours each setting: a kind turned off, a space's level, a muted thread."""

    @pytest.fixture
    def space(self, employee: User, colleague: User) -> Space:
        space = SpaceFactory(name="Projet Atlas")
        for person in (employee, colleague):
            Membership.objects.create(space=space, user=person, role=Role.MEMBER)
        return space

    def test_someone_with_mentions_off_is_not_told_of_a_mention(
        self, employee: User, colleague: User, post: Post, drain_outbox: Callable[[], int]
    ) -> None:
        notification_services.notification_settings_update(actor=colleague, channels={Kind.MENTION: "nothing"})
        stream_services.post_create(actor=employee, body="Merci @eloise.dupre")
        stream_services.comment_create(actor=employee, post=post, body="Et toi @eloise.dupre ?")
        people_services.follow_create(actor=employee, user=colleague)
        drain_outbox()
        assert _told(colleague) == [(Kind.FOLLOW, employee.pk)]  # the other kinds still come

    def test_a_reaction_turned_off_tells_the_author_nothing(
        self, employee: User, colleague: User, post: Post, drain_outbox: Callable[[], int]
    ) -> None:
        notification_services.notification_settings_update(actor=employee, channels={Kind.REACTION: "nothing"})
        stream_services.reaction_add(actor=colleague, post=post, emoji="👍")
        drain_outbox()
        assert _told(employee) == []

    def test_a_muted_space_tells_nothing_about_its_posts(
        self, employee: User, colleague: User, space: Space, drain_outbox: Callable[[], int]
    ) -> None:
        notification_services.notification_settings_update(actor=employee, channels={}, levels={space.pk: "nothing"})
        mine = stream_services.post_create(actor=employee, body="Point d'étape", space=space)
        stream_services.post_create(actor=colleague, body="Merci @lea.martin", space=space)
        stream_services.comment_create(actor=colleague, post=mine, body="Bravo @lea.martin")
        stream_services.reaction_add(actor=colleague, post=mine, emoji="🎉")
        elsewhere = stream_services.post_create(actor=colleague, body="Hors espace @lea.martin")
        drain_outbox()
        assert [(n.kind, n.post_id) for n in Notification.objects.filter(recipient=employee)] == [
            (Kind.MENTION, elsewhere.pk)
        ]

    def test_every_post_tells_the_members_who_chose_it_and_nobody_else(
        self, employee: User, colleague: User, space: Space, drain_outbox: Callable[[], int]
    ) -> None:
        quiet = member(space).user  # mentions only, the default
        mentioned = member(space, handle="zoe.tiers").user
        close = [colleague, mentioned]
        for person in close:
            notification_services.notification_settings_update(actor=person, channels={}, levels={space.pk: "all"})
        left = member(space).user  # chose "every post", then left: no longer a member
        notification_services.notification_settings_update(actor=left, channels={}, levels={space.pk: "all"})
        Membership.objects.filter(user=left).delete()
        post = stream_services.post_create(actor=employee, body="Nouvelle version @zoe.tiers", space=space)
        drain_outbox()
        told = {(n.recipient_id, n.kind) for n in Notification.objects.filter(post=post)}
        assert told == {(colleague.pk, Kind.SPACE_POST), (mentioned.pk, Kind.MENTION)}  # the mention, once
        assert not Notification.objects.filter(recipient__in=[quiet, left, employee]).exists()

    def test_every_post_of_a_secret_space_reaches_its_members_only(
        self, employee: User, colleague: User, drain_outbox: Callable[[], int]
    ) -> None:
        secret = SpaceFactory(visibility=Space.Visibility.SECRET)
        Membership.objects.create(space=secret, user=employee, role=Role.MEMBER)
        insider = member(secret).user
        notification_services.notification_settings_update(actor=insider, channels={}, levels={secret.pk: "all"})
        SpaceNotificationLevel.objects.create(user=colleague, space=secret, level="all")  # a stale row
        stream_services.post_create(actor=employee, body="Confidentiel", space=secret)
        drain_outbox()
        assert _told(insider) == [(Kind.SPACE_POST, employee.pk)]
        assert _told(colleague) == []

    def test_every_post_is_silent_for_who_turned_new_posts_off(
        self, employee: User, colleague: User, space: Space, drain_outbox: Callable[[], int]
    ) -> None:
        notification_services.notification_settings_update(
            actor=colleague, channels={Kind.SPACE_POST: "nothing"}, levels={space.pk: "all"}
        )
        stream_services.post_create(actor=employee, body="Encore un", space=space)
        drain_outbox()
        assert _told(colleague) == []

    def test_every_post_in_a_large_space_takes_as_many_queries_as_in_a_small_one(
        self, employee: User, space: Space, capture_events
    ) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from essaim.notifications import consumers

        def queries_for(members: int) -> int:
            for _ in range(members):
                person = member(space).user
                SpaceNotificationLevel.objects.create(user=person, space=space, level="all")
            capture_events.clear()
            stream_services.post_create(actor=employee, body="Bonjour", space=space)
            (created,) = [e for e in capture_events if e.__class__.__name__ == "PostCreated"]
            with CaptureQueriesContext(connection) as queries:
                consumers.inbox(created)
            return len(queries)

        small = queries_for(2)
        assert queries_for(60) == small
        assert Notification.objects.filter(kind=Kind.SPACE_POST).count() == 2 + 62

    def test_a_muted_thread_tells_nothing(
        self, employee: User, colleague: User, post: Post, drain_outbox: Callable[[], int]
    ) -> None:
        notification_services.thread_mute_set(actor=employee, post=post, muted=True)
        mine = stream_services.comment_create(actor=employee, post=post, body="Ordre du jour")
        stream_services.comment_create(actor=colleague, post=post, body="J'y serai")
        stream_services.comment_create(actor=colleague, post=post, body="Oui", parent=mine)
        stream_services.comment_create(actor=colleague, post=post, body="Hein @lea.martin ?")
        stream_services.reaction_add(actor=colleague, post=post, emoji="👍")
        other = stream_services.post_create(actor=employee, body="Autre sujet")
        stream_services.comment_create(actor=colleague, post=other, body="Ah")
        drain_outbox()
        assert [(n.kind, n.post_id) for n in Notification.objects.filter(recipient=employee)] == [
            (Kind.COMMENT, other.pk)
        ]
