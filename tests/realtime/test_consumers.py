"""What the live pages are told, and whom: each domain event becomes a live event for those who may see it."""

from __future__ import annotations

from collections.abc import Callable

from essaim.access import audience
from essaim.accounts.models import User
from essaim.people import services as people_services
from essaim.realtime.models import LiveEvent
from essaim.spaces import services as space_services
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream_services
from tests.accounts.factories import GuestFactory, UserFactory
from tests.spaces.factories import MembershipFactory, SpaceFactory

Live = Callable[[], list[LiveEvent]]


def _admitted(event: LiveEvent, *people: User) -> list[bool]:
    return [audience.admits(event.audience, audience.reader_keys(person)) for person in people]


class TestPosts:
    def test_a_company_post_tells_every_employee_and_says_who_gets_it_at_home(
        self, employee: User, colleague: User, live: Live
    ) -> None:
        guest = GuestFactory()
        people_services.follow_create(actor=colleague, user=employee)
        post = stream_services.post_create(actor=employee, body="Bonjour #équipe")
        (event,) = [e for e in live() if e.kind == "post"]
        assert event.data == {"post": str(post.pk), "space": None, "tags": ["equipe"], "company": True}
        assert _admitted(event, employee, colleague, guest) == [True, True, False]
        assert f"f{employee.pk}" in event.home  # their followers get it at home

    def test_a_secret_spaces_post_tells_its_members_only(self, employee: User, colleague: User, live: Live) -> None:
        space = SpaceFactory(visibility=Space.Visibility.SECRET)
        MembershipFactory(space=space, user=employee)
        stream_services.post_create(actor=employee, body="Entre nous", space=space)
        (event,) = [e for e in live() if e.kind == "post"]
        assert event.data["space"] == str(space.pk)
        assert event.data["company"] is False
        assert _admitted(event, employee, colleague) == [True, False]

    def test_edits_comments_and_reactions_tell_the_posts_readers(
        self, employee: User, colleague: User, live: Live
    ) -> None:
        post = stream_services.post_create(actor=employee, body="Premier jet")
        stream_services.post_edit(actor=employee, post=post, body="Second jet")
        comment = stream_services.comment_create(actor=colleague, post=post, body="Mieux")
        stream_services.reaction_add(actor=colleague, post=post, emoji="👍")
        stream_services.reaction_remove(actor=colleague, post=post, emoji="👍")
        told = [(e.kind, e.data) for e in live() if e.kind != "post"]
        assert told == [
            ("post-edited", {"post": str(post.pk)}),
            ("comment", {"post": str(post.pk), "comment": str(comment.pk)}),
            ("reactions", {"post": str(post.pk)}),
            ("reactions", {"post": str(post.pk)}),  # taken back: the counts change too
        ]

    def test_a_hidden_post_is_taken_off_the_pages_of_those_who_may_no_longer_read_it(
        self, employee: User, colleague: User, live: Live
    ) -> None:
        space = SpaceFactory(visibility=Space.Visibility.PUBLIC)
        moderator = UserFactory()
        MembershipFactory(space=space, user=employee)
        MembershipFactory(space=space, user=moderator, role=Membership.Role.MODERATOR)
        post = stream_services.post_create(actor=employee, body="Hors charte", space=space)
        stream_services.post_hide(actor=moderator, post=post, hidden=True)
        (removed,) = [e for e in live() if e.kind == "post-removed"]
        assert _admitted(removed, colleague) == [True]
        comment_later = stream_services.comment_create(actor=moderator, post=post, body="Masqué, voir la charte")
        (comment,) = [e for e in live() if e.kind == "comment" and e.data["comment"] == str(comment_later.pk)]
        assert _admitted(comment, colleague, employee, moderator) == [False, True, True]  # its events stop

    def test_a_deleted_post_is_taken_off_its_readers_pages(self, employee: User, live: Live) -> None:
        space = SpaceFactory(visibility=Space.Visibility.SECRET)
        MembershipFactory(space=space, user=employee)
        post = stream_services.post_create(actor=employee, body="À supprimer", space=space)
        post_id = post.pk
        stream_services.post_delete(actor=employee, post=post)
        (removed,) = [e for e in live() if e.kind == "post-removed"]
        assert removed.data == {"post": str(post_id)}
        assert removed.audience == [[f"s{space.pk}"]]


class TestReaders:
    def test_joining_a_space_or_following_someone_has_their_pages_read_their_keys_again(
        self, employee: User, colleague: User, live: Live
    ) -> None:
        space = SpaceFactory(visibility=Space.Visibility.PUBLIC)
        space_services.membership_join(actor=colleague, space=space)
        people_services.follow_create(actor=employee, user=colleague)
        keys = [e.audience for e in live() if e.kind == "keys"]
        assert [[f"u{colleague.pk}"]] in keys
        assert [[f"u{employee.pk}"]] in keys


class TestBell:
    def test_a_notification_rings_its_recipients_bell_and_reading_them_all_rings_it_again(
        self, employee: User, colleague: User, live: Live, drain_outbox: Callable[[], int]
    ) -> None:
        from essaim.notifications import services as notification_services

        stream_services.post_create(actor=employee, body="Merci @eloise.dupre")
        drain_outbox()
        bells = [e.audience for e in live() if e.kind == "bell"]
        assert bells == [[[f"u{colleague.pk}"]]]
        notification_services.notifications_read_all(actor=colleague)
        assert [e.audience for e in live() if e.kind == "bell"] == [[[f"u{colleague.pk}"]]] * 2
