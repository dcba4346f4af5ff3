"""Publishing, changing and cancelling events; answering them with places and a waiting list; calendar addresses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from essaim.accounts.models import User
from essaim.calendar import services
from essaim.calendar.models import CalendarFeed, Event, Rsvp
from essaim.events.types import EventChanged, PostCreated, RsvpChanged
from essaim.spaces.models import Membership, Space
from essaim.stream.models import Post, PostKind
from tests.accounts.factories import UserFactory
from tests.calendar.factories import details, publish_event
from tests.spaces.factories import SpaceFactory, member

pytestmark = pytest.mark.django_db
Answer = Rsvp.Answer


class TestPublish:
    def test_an_event_is_a_post_of_kind_event_with_its_row(self, employee: User, capture_events: list) -> None:
        event = publish_event(employee, capacity=10)
        post = Post.objects.get(pk=event.pk)
        assert post.kind == PostKind.EVENT
        assert post.body == "Venez nombreux !"
        assert (event.title, event.capacity, event.space_id) == ("Atelier d'intelligence collective", 10, None)
        assert [type(e) for e in capture_events] == [PostCreated]

    def test_in_a_space_the_event_carries_the_space(self, employee: User) -> None:
        space = SpaceFactory()
        Membership.objects.create(space=space, user=employee, role=Membership.Role.MEMBER)
        event = publish_event(employee, space=space)
        assert event.space_id == space.pk == event.post.space_id

    def test_an_outsider_cannot_publish_in_a_secret_space(self, employee: User) -> None:
        space = SpaceFactory(visibility=Space.Visibility.SECRET)
        with pytest.raises(PermissionDenied):
            publish_event(employee, space=space)
        assert not Event.objects.exists()

    def test_refused_details_leave_no_post(self, employee: User) -> None:
        start = timezone.now() + timedelta(days=1)
        with pytest.raises(ValidationError) as refused:
            publish_event(employee, title=" ", starts_at=start, ends_at=start - timedelta(hours=1))
        assert set(refused.value.message_dict) == {"title", "ends_at"}
        assert not Post.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value"),
        [("time_zone", "Mars/Olympus"), ("video_url", "visio"), ("capacity", 0)],
    )
    def test_bad_fields_are_refused_with_a_message(self, employee: User, field: str, value: object) -> None:
        with pytest.raises(ValidationError) as refused:
            publish_event(employee, **{field: value})
        assert field in refused.value.message_dict

    def test_a_refused_post_leaves_no_event(self, employee: User) -> None:
        with pytest.raises(ValidationError):
            publish_event(employee, body="")
        assert not Event.objects.exists()

    def test_all_day_bounds_are_midnights_in_the_time_zone(self) -> None:
        start, end = services.all_day_bounds(date(2026, 3, 28), date(2026, 3, 29), "Europe/Paris")
        assert start.isoformat() == "2026-03-28T00:00:00+01:00"
        assert end.isoformat() == "2026-03-30T00:00:00+02:00"  # the clocks went forward on the 29th


class TestRsvp:
    def test_going_maybe_not_going_are_counted(self, employee: User, colleague: User) -> None:
        event = publish_event(employee)
        services.rsvp_set(actor=employee, event=event, answer=Answer.GOING)
        services.rsvp_set(actor=colleague, event=event, answer=Answer.MAYBE)
        event.refresh_from_db()
        assert (event.going_count, event.maybe_count, event.waiting_count) == (1, 1, 0)
        services.rsvp_set(actor=colleague, event=event, answer=Answer.NOT_GOING)
        event.refresh_from_db()
        assert (event.going_count, event.maybe_count) == (1, 0)
        assert Rsvp.objects.filter(event=event).count() == 2

    def test_one_answer_per_person(self, employee: User) -> None:
        event = publish_event(employee)
        services.rsvp_set(actor=employee, event=event, answer=Answer.GOING)
        services.rsvp_set(actor=employee, event=event, answer=Answer.GOING)
        assert Rsvp.objects.filter(event=event, user=employee).count() == 1

    def test_when_full_one_waits_and_gets_the_freed_place_in_order(self, employee: User, capture_events: list) -> None:
        event = publish_event(employee, capacity=1)
        first, second, third = UserFactory(), UserFactory(), UserFactory()
        assert services.rsvp_set(actor=first, event=event, answer=Answer.GOING).answer == Answer.GOING
        assert services.rsvp_set(actor=second, event=event, answer=Answer.GOING).answer == Answer.WAITING
        assert services.rsvp_set(actor=third, event=event, answer=Answer.GOING).answer == Answer.WAITING
        capture_events.clear()
        services.rsvp_set(actor=first, event=event, answer=Answer.NOT_GOING)
        answers = dict(Rsvp.objects.filter(event=event).values_list("user_id", "answer"))
        assert answers == {first.pk: Answer.NOT_GOING, second.pk: Answer.GOING, third.pk: Answer.WAITING}
        event.refresh_from_db()
        assert (event.going_count, event.waiting_count) == (1, 1)
        (changed,) = capture_events
        assert isinstance(changed, RsvpChanged)
        assert changed.promoted_ids == (second.pk,)

    def test_more_places_let_the_waiting_list_in(self, employee: User) -> None:
        event = publish_event(employee, capacity=1)
        people = [UserFactory() for _ in range(3)]
        for person in people:
            services.rsvp_set(actor=person, event=event, answer=Answer.GOING)
        services.event_edit(actor=employee, event=event, details=details(capacity=2, starts_at=event.starts_at))
        event.refresh_from_db()
        assert (event.going_count, event.waiting_count) == (2, 1)

    def test_fewer_places_than_people_going_is_refused(self, employee: User, colleague: User) -> None:
        event = publish_event(employee, capacity=3)
        services.rsvp_set(actor=employee, event=event, answer=Answer.GOING)
        services.rsvp_set(actor=colleague, event=event, answer=Answer.GOING)
        with pytest.raises(ValidationError, match="2 people are already going"):
            services.event_edit(actor=employee, event=event, details=details(capacity=1, starts_at=event.starts_at))

    def test_an_unknown_answer_is_refused(self, employee: User) -> None:
        event = publish_event(employee)
        with pytest.raises(ValidationError):
            services.rsvp_set(actor=employee, event=event, answer=Answer.WAITING)

    def test_nobody_answers_a_cancelled_event(self, employee: User, colleague: User) -> None:
        event = publish_event(employee)
        services.event_cancel(actor=employee, event=event)
        with pytest.raises(PermissionDenied):
            services.rsvp_set(actor=colleague, event=event, answer=Answer.GOING)

    def test_outsiders_cannot_answer_a_secret_spaces_event(self, employee: User, colleague: User) -> None:
        space = SpaceFactory(visibility=Space.Visibility.SECRET)
        Membership.objects.create(space=space, user=employee, role=Membership.Role.MEMBER)
        event = publish_event(employee, space=space)
        with pytest.raises(Http404):
            services.rsvp_set(actor=colleague, event=event, answer=Answer.GOING)

    def test_readers_and_employees_of_a_public_space_answer(self, employee: User, colleague: User) -> None:
        space = SpaceFactory()
        Membership.objects.create(space=space, user=employee, role=Membership.Role.MEMBER)
        reader = member(space, Membership.Role.READER).user
        event = publish_event(employee, space=space)
        assert services.rsvp_set(actor=reader, event=event, answer=Answer.GOING).answer == Answer.GOING
        assert services.rsvp_set(actor=colleague, event=event, answer=Answer.MAYBE).answer == Answer.MAYBE

    def test_nobody_answers_in_an_archived_space(self, employee: User) -> None:
        space = SpaceFactory()
        Membership.objects.create(space=space, user=employee, role=Membership.Role.MEMBER)
        event = publish_event(employee, space=space)
        Space.objects.filter(pk=space.pk).update(archived_at=timezone.now())
        event.post.space.archived_at = timezone.now()
        with pytest.raises(PermissionDenied):
            services.rsvp_set(actor=employee, event=event, answer=Answer.GOING)


class TestEditAndCancel:
    def test_changing_the_time_tells_those_who_answered(self, employee: User, capture_events: list) -> None:
        event = publish_event(employee)
        capture_events.clear()
        later = event.starts_at + timedelta(hours=1)
        edited = services.event_edit(
            actor=employee, event=event, details=details(starts_at=later, ends_at=later + timedelta(hours=3))
        )
        assert edited.sequence == 1
        (changed,) = capture_events
        assert isinstance(changed, EventChanged)
        assert set(changed.changes) == {"starts_at", "ends_at"}

    def test_saving_without_change_tells_nobody(self, employee: User, capture_events: list) -> None:
        event = publish_event(employee)
        capture_events.clear()
        services.event_edit(actor=employee, event=event, details=details(starts_at=event.starts_at))
        assert capture_events == []

    def test_only_the_author_edits(self, employee: User, colleague: User) -> None:
        event = publish_event(employee)
        with pytest.raises(PermissionDenied):
            services.event_edit(actor=colleague, event=event, details=details(title="Autre"))

    def test_the_spaces_moderator_cancels_but_does_not_edit(self, employee: User) -> None:
        space = SpaceFactory()
        Membership.objects.create(space=space, user=employee, role=Membership.Role.MEMBER)
        moderator = member(space, Membership.Role.MODERATOR).user
        event = publish_event(employee, space=space)
        with pytest.raises(PermissionDenied):
            services.event_edit(actor=moderator, event=event, details=details(title="Autre"))
        cancelled = services.event_cancel(actor=moderator, event=event)
        assert cancelled.cancelled_at is not None

    def test_cancelling_emits_and_counts_a_sequence(self, employee: User, capture_events: list) -> None:
        event = publish_event(employee)
        capture_events.clear()
        cancelled = services.event_cancel(actor=employee, event=event)
        assert cancelled.sequence == 1
        assert capture_events == [EventChanged(actor_id=employee.pk, event_id=event.pk, cancelled=True)]
        with pytest.raises(PermissionDenied):
            services.event_cancel(actor=employee, event=cancelled)


class TestCalendarFeed:
    def test_made_once_regenerated_and_revoked(self, employee: User) -> None:
        feed = services.calendar_feed_get_or_create(actor=employee)
        assert services.calendar_feed_get_or_create(actor=employee).token == feed.token
        assert len(feed.token) >= 40
        new = services.calendar_feed_regenerate(actor=employee)
        assert new.token != feed.token
        services.calendar_feed_revoke(actor=employee)
        assert not CalendarFeed.objects.exists()

    def test_guests_have_one_too(self, guest: User) -> None:
        assert services.calendar_feed_get_or_create(actor=guest).user_id == guest.pk
