"""The live stream as WSGI servers serve it (the development server, the tests' live server)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from django.test import Client

from essaim.accounts.models import User
from essaim.realtime.models import LiveEvent
from essaim.spaces.models import Space
from essaim.stream import services as stream_services
from tests.spaces.factories import MembershipFactory, SpaceFactory

Live = Callable[[], list[LiveEvent]]


def _open(client: Client, **headers: str) -> Iterator[bytes]:
    response = client.get("/live/events", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    return iter(response.streaming_content)  # type: ignore[attr-defined]


def _next_event(stream: Iterator[bytes]) -> tuple[str, dict[str, object], str]:
    """The next event (not a comment line or the retry advice): its kind, data and id."""
    for chunk in stream:
        fields = dict(line.split(": ", 1) for line in chunk.decode().splitlines() if ": " in line and line[0] != ":")
        if "event" in fields:
            return fields["event"], json.loads(fields["data"]), fields.get("id", "")
    raise AssertionError("the stream ended")


def test_a_signed_out_page_is_refused(client: Client, live: Live) -> None:
    response = client.get("/live/events")
    assert response.status_code == 401


def test_a_reader_is_told_of_what_they_may_see_only(employee: User, colleague: User, live: Live) -> None:
    space = SpaceFactory(visibility=Space.Visibility.SECRET)
    MembershipFactory(space=space, user=employee)
    reader = Client()
    reader.force_login(colleague)
    stream = _open(reader)
    assert next(stream).startswith(b"retry:")
    stream_services.post_create(actor=employee, body="Entre nous", space=space)
    public = stream_services.post_create(actor=employee, body="Pour tous")
    kind, data, _id = _next_event(stream)
    assert (kind, data["post"], data["home"]) == ("post", str(public.pk), False)  # the secret one never came


def test_a_page_that_reconnects_gets_what_it_missed_or_is_told_to_reload(
    employee: User, colleague: User, live: Live, settings: object
) -> None:
    reader = Client()
    reader.force_login(colleague)
    first = stream_services.post_create(actor=employee, body="Un")
    second = stream_services.post_create(actor=employee, body="Deux")
    first_id = next(e.pk for e in live() if e.data.get("post") == str(first.pk))
    kind, data, event_id = _next_event(_open(reader, last_event_id=str(first_id)))
    assert (kind, data["post"]) == ("post", str(second.pk))
    assert int(event_id) > first_id
    LiveEvent.objects.filter(pk=first_id).delete()  # past the replay window
    assert _next_event(_open(reader, last_event_id=str(first_id)))[0] == "reset"
