"""The polls API in Mastodon's shapes: ``poll`` on statuses, ``/api/v1/polls/:id`` and its votes."""

from __future__ import annotations

import pytest
from django.test import Client

from essaim.api.services import personal_token_create
from essaim.polls.models import Poll
from tests.accounts.factories import UserFactory


def _client(user):
    token = personal_token_create(actor=user, name="t")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def author(db):
    return UserFactory()


class TestCreating:
    def test_a_status_with_a_poll_in_json(self, author):
        body = {"status": "Quel jour ?", "poll": {"options": ["Lundi", "Mardi"], "expires_in": 3600, "multiple": True}}
        response = _client(author).post("/api/v1/statuses", body, content_type="application/json")
        assert response.status_code == 200, response.content
        status = response.json()
        assert status["kind"] == "poll"
        poll = status["poll"]
        assert poll["multiple"] is True
        assert poll["expired"] is False
        assert poll["voted"] is False
        assert [o["title"] for o in poll["options"]] == ["Lundi", "Mardi"]
        assert [o["votes_count"] for o in poll["options"]] == [None, None]  # not voted: no results yet

    def test_a_status_with_a_poll_as_mastodon_forms_send_it(self, author):
        data = {
            "status": "Quel jour ?",
            "poll[options][]": ["Lundi", "Mardi", "Jeudi"],
            "poll[expires_in]": "86400",
            "poll[hide_totals]": "false",
        }
        response = _client(author).post("/api/v1/statuses", data)
        assert response.status_code == 200, response.content
        assert len(response.json()["poll"]["options"]) == 3

    def test_a_poll_with_one_option_is_refused(self, author):
        body = {"status": "Quel jour ?", "poll": {"options": ["Lundi"]}}
        response = _client(author).post("/api/v1/statuses", body, content_type="application/json")
        assert response.status_code == 422

    def test_a_question(self, author):
        response = _client(author).post(
            "/api/v1/statuses", {"status": "Qui sait ?", "kind": "question"}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["kind"] == "question"
        assert response.json()["question"] == {"answered": False, "accepted_answer_id": None}


class TestVoting:
    def test_vote_then_read(self, author):
        body = {"status": "Quel jour ?", "poll": {"options": ["Lundi", "Mardi"]}}
        poll_id = _client(author).post("/api/v1/statuses", body, content_type="application/json").json()["poll"]["id"]
        voter = _client(UserFactory())
        response = voter.post(f"/api/v1/polls/{poll_id}/votes", {"choices[]": ["1"]})
        assert response.status_code == 200, response.content
        poll = response.json()
        assert poll["voted"] is True
        assert poll["own_votes"] == [1]
        assert [o["votes_count"] for o in poll["options"]] == [0, 1]
        assert poll["voters_count"] == 1
        again = voter.get(f"/api/v1/polls/{poll_id}")
        assert again.status_code == 200
        assert again.json() == poll

    def test_a_bad_choice_is_422(self, author):
        body = {"status": "Quel jour ?", "poll": {"options": ["Lundi", "Mardi"]}}
        poll_id = _client(author).post("/api/v1/statuses", body, content_type="application/json").json()["poll"]["id"]
        response = _client(UserFactory()).post(
            f"/api/v1/polls/{poll_id}/votes", {"choices": [5]}, content_type="application/json"
        )
        assert response.status_code == 422

    def test_an_unknown_poll_is_404(self, author):
        assert _client(author).get("/api/v1/polls/123").status_code == 404
        assert Poll.objects.count() == 0
