"""Idea boxes, praise and must-read announcements in the API: shapes as the OpenAPI document declares them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from essaim.api.main import api
from essaim.ideas.models import IdeaStatus
from essaim.mustread import services as mustread_services
from essaim.notifications.models import Notification
from essaim.stream import services as stream_services
from tests.accounts.factories import UserFactory
from tests.api.conftest import token_client_for


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(json.dumps(api.get_openapi_schema()))


def _declared(document: dict[str, Any], path: str, method: str) -> set[str]:
    schema = document["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
    if schema.get("type") == "array":
        schema = schema["items"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    return set(document["components"]["schemas"][name]["properties"])


def test_the_ideas_list_vote_and_status(document, *, space, proposer, voter, moderator, make_idea):
    idea = make_idea(proposer, "Un jardin")
    client = token_client_for(voter)
    voted = client.post(f"/api/v1/ideas/{idea.pk}/vote")
    assert voted.status_code == 200, voted.json()
    assert voted.json()["votes_count"] == 1
    assert voted.json()["voted"] is True
    listed = client.get(f"/api/v1/spaces/{space.pk}/ideas?sort=trending")
    assert listed.status_code == 200
    assert set(listed.json()[0]) == _declared(document, "/api/v1/spaces/{space_id}/ideas", "get")
    assert listed.json()[0]["status"]["content"]
    assert client.delete(f"/api/v1/ideas/{idea.pk}/vote").json()["votes_count"] == 0
    refused = client.post(f"/api/v1/ideas/{idea.pk}/status", {"idea_status": "done"}, content_type="application/json")
    assert refused.status_code == 403
    answer = {"idea_status": IdeaStatus.PLANNED, "answer": "Au printemps"}
    changed = token_client_for(moderator).post(
        f"/api/v1/ideas/{idea.pk}/status", answer, content_type="application/json"
    )
    assert changed.status_code == 200
    assert (changed.json()["idea_status"], changed.json()["answer"]) == ("planned", "Au printemps")


def test_praise_create_and_received(document, employee, colleague):
    third = UserFactory(handle="theo.roux")
    body = {"account_ids": [str(colleague.pk), str(third.pk)], "badge": "expertise", "status": "Merci !"}
    created = token_client_for(employee).post("/api/v1/praise", body, content_type="application/json")
    assert created.status_code == 200, created.json()
    assert set(created.json()) == _declared(document, "/api/v1/praise", "post")
    assert [a["id"] for a in created.json()["accounts"]] == [str(colleague.pk), str(third.pk)]
    received = token_client_for(third).get(f"/api/v1/accounts/{colleague.pk}/praise")
    assert received.json()["count"] == 1
    assert set(received.json()) == _declared(document, "/api/v1/accounts/{account_id}/praise", "get")
    self_praise = dict(body, account_ids=[str(employee.pk)])
    refused = token_client_for(employee).post("/api/v1/praise", self_praise, content_type="application/json")
    assert refused.status_code == 422


def test_read_confirmations(document, employee, colleague, drain_outbox):
    comms = UserFactory(handle="camille.comm", is_communication_team=True)
    post = stream_services.post_create(actor=comms, body="À lire")
    mustread_services.must_read_require(actor=comms, post=post)
    confirmed = token_client_for(employee).post(f"/api/v1/essaim/statuses/{post.pk}/read_confirmation")
    assert confirmed.status_code == 200
    assert set(confirmed.json()) == {"status_id", "confirmed_at"}
    assert token_client_for(employee).get(f"/api/v1/essaim/statuses/{post.pk}/read_confirmations").status_code == 403
    listed = token_client_for(comms).get(f"/api/v1/essaim/statuses/{post.pk}/read_confirmations")
    assert listed.status_code == 200
    assert set(listed.json()) == _declared(document, "/api/v1/essaim/statuses/{status_id}/read_confirmations", "get")
    assert [c["account"]["id"] for c in listed.json()["confirmed"]] == [str(employee.pk)]
    assert str(colleague.pk) in {a["id"] for a in listed.json()["pending"]}
    assert not Notification.objects.filter(kind="must_read").exists()
