"""Those who answered an event hear of its changes and its cancellation; the waiting list hears of a freed place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from essaim.accounts.models import User
from essaim.calendar import services
from essaim.calendar.models import Rsvp
from essaim.notifications.models import Notification
from essaim.spaces.models import Membership, Space
from tests.accounts.factories import UserFactory
from tests.calendar.factories import details, publish_event
from tests.spaces.factories import SpaceFactory

pytestmark = pytest.mark.django_db
Answer = Rsvp.Answer


def told(kind: str = Notification.Kind.EVENT) -> list[tuple[int, bool | None]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", "accepted"))


def test_a_change_tells_those_going_maybe_or_waiting_but_not_those_who_said_no(
    employee: User, drain_outbox: Callable[[], int]
) -> None:
    event = publish_event(employee, capacity=1)
    going, maybe, waiting, no = (UserFactory() for _ in range(4))
    services.rsvp_set(actor=going, event=event, answer=Answer.GOING)
    services.rsvp_set(actor=maybe, event=event, answer=Answer.MAYBE)
    services.rsvp_set(actor=waiting, event=event, answer=Answer.GOING)
    services.rsvp_set(actor=no, event=event, answer=Answer.NOT_GOING)
    later = event.starts_at + timedelta(days=1)
    services.event_edit(actor=employee, event=event, details=details(starts_at=later, capacity=1))
    drain_outbox()
    assert told() == sorted([(going.pk, None), (maybe.pk, None), (waiting.pk, None)])
    drain_outbox()  # again: nobody is told twice
    assert Notification.objects.filter(kind=Notification.Kind.EVENT).count() == 3


def test_a_cancellation_says_so(employee: User, colleague: User, drain_outbox: Callable[[], int]) -> None:
    event = publish_event(employee)
    services.rsvp_set(actor=colleague, event=event, answer=Answer.GOING)
    services.rsvp_set(actor=employee, event=event, answer=Answer.GOING)
    services.event_cancel(actor=employee, event=event)
    drain_outbox()
    assert told() == [(colleague.pk, False)]  # not the one who cancelled


def test_the_waiting_list_hears_of_its_place(employee: User, colleague: User, drain_outbox: Callable[[], int]) -> None:
    event = publish_event(employee, capacity=1)
    services.rsvp_set(actor=employee, event=event, answer=Answer.GOING)
    services.rsvp_set(actor=colleague, event=event, answer=Answer.GOING)
    services.rsvp_set(actor=employee, event=event, answer=Answer.NOT_GOING)
    drain_outbox()
    assert told() == [(colleague.pk, True)]


def test_someone_who_no_longer_reads_the_event_is_not_told(
    employee: User, colleague: User, drain_outbox: Callable[[], int]
) -> None:
    space = SpaceFactory(visibility=Space.Visibility.SECRET)
    Membership.objects.create(space=space, user=employee, role=Membership.Role.MEMBER)
    left = Membership.objects.create(space=space, user=colleague, role=Membership.Role.MEMBER)
    event = publish_event(employee, space=space)
    services.rsvp_set(actor=colleague, event=event, answer=Answer.GOING)
    left.delete()
    services.event_cancel(actor=employee, event=event)
    drain_outbox()
    assert told() == []


def test_the_notification_reads_well(employee: User, colleague: User, drain_outbox: Callable[[], int], client) -> None:
    event = publish_event(employee, title="Pot de départ")
    services.rsvp_set(actor=colleague, event=event, answer=Answer.GOING)
    services.event_cancel(actor=employee, event=event)
    drain_outbox()
    client.force_login(colleague)
    page = client.get("/notifications/").content.decode()
    assert "Léa Martin cancelled the event “Pot de départ”" in page


def test_answers_and_changes_redraw_the_cards_of_those_who_read_it(transactional_db: None) -> None:
    from essaim.access import audience
    from essaim.realtime.models import LiveEvent
    from tests.accounts.factories import GuestFactory

    author, reader, guest = UserFactory(), UserFactory(), GuestFactory()
    start = LiveEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    event = publish_event(author)
    services.rsvp_set(actor=reader, event=event, answer=Answer.GOING)
    services.event_cancel(actor=author, event=event)
    redrawn = list(LiveEvent.objects.filter(pk__gt=start, kind="post-edited").order_by("pk"))
    assert [e.data for e in redrawn] == [{"post": str(event.pk)}] * 2
    assert [audience.admits(redrawn[0].audience, audience.reader_keys(p)) for p in (reader, guest)] == [True, False]
