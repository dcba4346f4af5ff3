"""The events API: shapes checked against the OpenAPI document, the same rules as the pages."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from essaim.accounts.models import User
from essaim.api.main import api
from essaim.calendar import services
from essaim.calendar.models import Rsvp
from essaim.spaces.models import Membership, Space
from tests.api.conftest import TokenClient, token_client_for
from tests.calendar.factories import publish_event
from tests.spaces.factories import SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_client(employee: User) -> TokenClient:
    return token_client_for(employee)


def conforms(response: Any, path: str, method: str = "get") -> Any:
    """The response's JSON, checked against what the OpenAPI document says ``method path`` answers."""
    document = api.get_openapi_schema()
    responses = {
        str(status): answer for status, answer in document["paths"][f"/api/v1{path}"][method]["responses"].items()
    }
    schema = responses[str(response.status_code)]["content"]["application/json"]["schema"]
    data = response.json()
    jsonschema.validate(data, {**schema, "components": document["components"]})
    return data


def test_the_document_names_the_operations() -> None:
    paths = api.get_openapi_schema()["paths"]
    assert {"get"} <= set(paths["/api/v1/events"])
    assert {"get"} <= set(paths["/api/v1/events/{event_id}"])
    assert {"post"} <= set(paths["/api/v1/events/{event_id}/rsvp"])
    body = paths["/api/v1/events/{event_id}/rsvp"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["answer"]["enum"] == ["going", "maybe", "not_going"]


def test_upcoming_mine_and_others(api_client: TokenClient, employee: User, colleague: User) -> None:
    mine = publish_event(colleague, title="Réunion")
    publish_event(colleague, title="Conférence")
    services.rsvp_set(actor=employee, event=mine, answer=Rsvp.Answer.GOING)
    response = api_client.get("/api/v1/events")
    assert response.status_code == 200
    (entity,) = conforms(response, "/events")
    assert (entity["title"], entity["my_answer"], entity["going_count"]) == ("Réunion", "going", 1)
    assert entity["organizer"]["acct"] == "eloise.dupre"
    assert entity["ics_url"].endswith(f"/events/{mine.pk}/event.ics")
    others = conforms(api_client.get("/api/v1/events?scope=others"), "/events")
    assert [e["title"] for e in others] == ["Conférence"]
    assert api_client.get("/api/v1/events?scope=everything").status_code == 422


def test_get_one(api_client: TokenClient, colleague: User) -> None:
    event = publish_event(colleague, capacity=2)
    response = api_client.get(f"/api/v1/events/{event.pk}")
    assert response.status_code == 200
    data = conforms(response, "/events/{event_id}")
    assert data["id"] == data["status_id"] == str(event.pk)
    assert (data["capacity"], data["my_answer"], data["cancelled_at"]) == (2, None, None)
    assert api_client.get("/api/v1/events/12345").status_code == 404
    assert api_client.get("/api/v1/events/abc").status_code == 404


def test_rsvp_and_the_waiting_list(api_client: TokenClient, employee: User, colleague: User) -> None:
    event = publish_event(colleague, capacity=1)
    services.rsvp_set(actor=colleague, event=event, answer=Rsvp.Answer.GOING)
    response = api_client.post(f"/api/v1/events/{event.pk}/rsvp", {"answer": "going"}, content_type="application/json")
    assert response.status_code == 200
    data = conforms(response, "/events/{event_id}/rsvp", "post")
    assert (data["my_answer"], data["going_count"], data["waiting_count"]) == ("waiting", 1, 1)
    attendees = conforms(api_client.get(f"/api/v1/events/{event.pk}/attendees"), "/events/{event_id}/attendees")
    assert [(a["account"]["acct"], a["answer"]) for a in attendees] == [
        ("eloise.dupre", "going"),
        ("lea.martin", "waiting"),
    ]


def test_bad_answers_and_forbidden_ones(api_client: TokenClient, employee: User, colleague: User) -> None:
    event = publish_event(colleague)
    bad = api_client.post(f"/api/v1/events/{event.pk}/rsvp", {"answer": "waiting"}, content_type="application/json")
    assert bad.status_code == 422
    assert set(bad.json()) >= {"error"}
    services.event_cancel(actor=colleague, event=event)
    late = api_client.post(f"/api/v1/events/{event.pk}/rsvp", {"answer": "going"}, content_type="application/json")
    assert late.status_code == 403


def test_a_secret_spaces_event_is_missing_for_outsiders(api_client: TokenClient, colleague: User) -> None:
    space = SpaceFactory(visibility=Space.Visibility.SECRET)
    Membership.objects.create(space=space, user=colleague, role=Membership.Role.MEMBER)
    event = publish_event(colleague, space=space)
    assert api_client.get(f"/api/v1/events/{event.pk}").status_code == 404
    post = api_client.post(f"/api/v1/events/{event.pk}/rsvp", {"answer": "going"}, content_type="application/json")
    assert post.status_code == 404
    assert api_client.get("/api/v1/events?scope=others").json() == []
