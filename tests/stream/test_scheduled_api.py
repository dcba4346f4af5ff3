"""Mastodon's scheduled statuses (``stream/scheduled_api.py``; ``scheduled_at`` on ``POST /api/v1/statuses``)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from essaim.accounts.models import User
from essaim.stream import scheduling
from essaim.stream.models import Post, ScheduledPost
from tests.api.conftest import TokenClient, token_client_for
from tests.api.test_oauth import authorise, register, token_for
from tests.spaces.factories import MembershipFactory, SpaceFactory
from tests.stream.factories import image_upload


def later(**delta: float) -> str:
    return (timezone.now() + timedelta(**delta)).isoformat()


def create(client: Client, **data: Any) -> Any:
    return client.post("/api/v1/statuses", json.dumps(data), content_type="application/json")


@pytest.fixture
def api(employee: User) -> TokenClient:
    return token_client_for(employee)


class TestScheduling:
    def test_scheduled_at_answers_a_scheduled_status_and_publishes_nothing(self, api: TokenClient) -> None:
        response = create(api, status="Bonne année", scheduled_at=later(hours=2))
        assert response.status_code == 200, response.content
        data = response.json()
        assert set(data) == {"id", "scheduled_at", "params", "media_attachments", "essaim"}
        assert data["params"]["text"] == "Bonne année"
        assert data["params"]["visibility"] == "public"
        assert data["essaim"] == {"space_id": None, "kind": "post", "state": "scheduled", "failure": ""}
        assert not Post.objects.exists()

    def test_too_soon_is_422(self, api: TokenClient) -> None:
        response = create(api, status="Vite", scheduled_at=later(minutes=2))
        assert response.status_code == 422
        assert "5 minutes" in response.json()["error"]
        assert not ScheduledPost.objects.exists()

    def test_form_encoded_with_media_as_mastodon_py_sends_it(self, api: TokenClient) -> None:
        upload = api.post("/api/v2/media", {"file": image_upload("voeux.jpg"), "description": "Carte"}).json()
        response = api.post(
            "/api/v1/statuses",
            {"status": "Avec une carte", "media_ids[]": [upload["id"]], "scheduled_at": later(hours=1)},
        )
        assert response.status_code == 200, response.content
        assert [m["id"] for m in response.json()["media_attachments"]] == [upload["id"]]
        assert response.json()["params"]["media_ids"] == [upload["id"]]

    def test_into_a_space_by_its_handle(self, api: TokenClient, employee: User) -> None:
        space = SpaceFactory(slug="atelier")
        MembershipFactory(space=space, user=employee)
        data = create(api, status="Pour @atelier", scheduled_at=later(hours=1)).json()
        assert data["essaim"]["space_id"] == str(space.pk)

    def test_a_reply_cannot_be_scheduled(self, api: TokenClient) -> None:
        post = create(api, status="Bonjour").json()
        response = create(api, status="Réponse", in_reply_to_id=post["id"], scheduled_at=later(hours=1))
        assert response.status_code == 422


class TestScheduledStatuses:
    def test_list_read_move_cancel(self, api: TokenClient) -> None:
        first = create(api, status="Un", scheduled_at=later(hours=1)).json()
        second = create(api, status="Deux", scheduled_at=later(hours=2)).json()
        listed = api.get("/api/v1/scheduled_statuses?limit=1")
        assert [s["id"] for s in listed.json()] == [second["id"]]
        assert f"max_id={second['id']}" in listed["Link"]
        assert api.get(f"/api/v1/scheduled_statuses/{first['id']}").json()["params"]["text"] == "Un"
        moved = api.put(
            f"/api/v1/scheduled_statuses/{first['id']}",
            json.dumps({"scheduled_at": later(days=1)}),
            content_type="application/json",
        )
        assert moved.status_code == 200, moved.content
        assert moved.json()["scheduled_at"] > second["scheduled_at"]
        too_soon = api.put(f"/api/v1/scheduled_statuses/{first['id']}", {"scheduled_at": later(minutes=1)})
        assert too_soon.status_code == 422
        assert api.delete(f"/api/v1/scheduled_statuses/{first['id']}").json() == {}
        assert api.get(f"/api/v1/scheduled_statuses/{first['id']}").status_code == 404

    def test_someone_else_s_is_missing(self, api: TokenClient, colleague: User) -> None:
        mine = create(api, status="À moi", scheduled_at=later(hours=1)).json()
        other = token_client_for(colleague)
        assert other.get("/api/v1/scheduled_statuses").json() == []
        for method in ("get", "delete"):
            assert getattr(other, method)(f"/api/v1/scheduled_statuses/{mine['id']}").status_code == 404
        assert other.put(f"/api/v1/scheduled_statuses/{mine['id']}", {"scheduled_at": later(days=1)}).status_code == 404
        assert ScheduledPost.objects.filter(pk=mine["id"]).exists()

    def test_a_failed_one_shows_its_reason(self, api: TokenClient, employee: User) -> None:
        space = SpaceFactory(slug="atelier")
        membership = MembershipFactory(space=space, user=employee)
        scheduled = create(api, status="@atelier", scheduled_at=later(hours=1)).json()
        membership.delete()
        scheduling.scheduled_posts_publish_due(now=timezone.now() + timedelta(hours=2))
        extra = api.get(f"/api/v1/scheduled_statuses/{scheduled['id']}").json()["essaim"]
        assert extra["state"] == "failed"
        assert extra["failure"]

    def test_scopes_are_the_statuses(self, client: Client, employee: User) -> None:
        app = register(client, scopes="read:statuses write:statuses read:lists")
        lists_only = TokenClient(token_for(app, authorise(employee, app, scope="read:lists"))["access_token"])
        assert lists_only.get("/api/v1/scheduled_statuses").status_code == 403
        statuses = TokenClient(token_for(app, authorise(employee, app, scope="read:statuses"))["access_token"])
        assert statuses.get("/api/v1/scheduled_statuses").status_code == 200
