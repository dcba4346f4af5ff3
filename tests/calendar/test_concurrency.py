"""Sixteen people answering at once: never more going than places, nobody lost, counts exact; places freed at
once go to the waiting list, each once. Threads with their own connections, on PostgreSQL (row locks) and on
SQLite (its writers take turns) when its test database is a file that threads can share."""

from __future__ import annotations

import pytest

from essaim.accounts.models import User
from essaim.calendar import services
from essaim.calendar.models import Event, Rsvp
from tests.accounts.factories import UserFactory
from tests.calendar.factories import publish_event
from tests.databases import shared_by_threads, side_by_side

Answer = Rsvp.Answer
PEOPLE = 16
PLACES = 5


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shared_by_threads(), reason="an in-memory SQLite database is not shared by threads"),
]


def counts(event: Event) -> dict[str, int]:
    rows = Rsvp.objects.filter(event=event)
    event.refresh_from_db()
    assert (event.going_count, event.maybe_count, event.waiting_count) == (
        rows.filter(answer=Answer.GOING).count(),
        rows.filter(answer=Answer.MAYBE).count(),
        rows.filter(answer=Answer.WAITING).count(),
    ), "the counters match the rows"
    return {answer: rows.filter(answer=answer).count() for answer in Answer.values}


def test_sixteen_at_once_fill_the_places_and_the_rest_wait() -> None:
    author = UserFactory()
    event = publish_event(author, capacity=PLACES)
    people = [UserFactory() for _ in range(PEOPLE)]

    def go(person: User) -> None:
        services.rsvp_set(actor=person, event=Event.objects.select_related("post").get(pk=event.pk), answer="going")

    assert side_by_side(go, people) == []
    assert counts(event) == {
        Answer.GOING: PLACES,
        Answer.MAYBE: 0,
        Answer.NOT_GOING: 0,
        Answer.WAITING: PEOPLE - PLACES,
    }
    assert Rsvp.objects.filter(event=event).values("user").distinct().count() == PEOPLE, "one answer each"

    going = list(Rsvp.objects.filter(event=event, answer=Answer.GOING).values_list("user_id", flat=True))
    first_waiting = list(
        Rsvp.objects.filter(event=event, answer=Answer.WAITING)
        .order_by("answered_at", "pk")
        .values_list("user_id", flat=True)[:3]
    )
    leaving = [User.objects.get(pk=pk) for pk in going[:3]]

    def leave(person: User) -> None:
        services.rsvp_set(actor=person, event=Event.objects.select_related("post").get(pk=event.pk), answer="not_going")

    assert side_by_side(leave, leaving) == []
    after = counts(event)
    assert after[Answer.GOING] == PLACES
    assert after[Answer.WAITING] == PEOPLE - PLACES - 3
    promoted = set(Rsvp.objects.filter(event=event, user_id__in=first_waiting).values_list("answer", flat=True))
    assert promoted == {Answer.GOING}, "the three waiting longest got the places"
