"""Mastodon's notifications resource: the shapes Mastodon apps read, filters, pages, dismiss and clear."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from essaim.accounts.models import User
from essaim.notifications.models import Notification
from essaim.people import services as people_services
from essaim.stream import services as stream_services
from essaim.stream.models import Post
from tests.accounts.factories import UserFactory
from tests.api.conftest import TokenClient, token_client_for

Kind = Notification.Kind


@pytest.fixture
def api_client(employee: User) -> TokenClient:
    return token_client_for(employee)


@pytest.fixture
def activity(employee: User, colleague: User, drain_outbox: Callable[[], int]) -> Post:
    """A comment mentioning ``employee``, two reactions and a follow, told through the outbox."""
    post = stream_services.post_create(actor=employee, body="Réunion jeudi")
    stream_services.comment_create(actor=colleague, post=post, body="J'y serai @lea.martin")
    for person in (UserFactory(), colleague):
        stream_services.reaction_add(actor=person, post=post, emoji="👍")
    people_services.follow_create(actor=colleague, user=employee)
    drain_outbox()
    return post


def test_the_shapes_mastodon_apps_read(api_client: TokenClient, activity: Post, colleague: User) -> None:
    response = api_client.get("/api/v1/notifications")
    assert response.status_code == 200
    data = response.json()
    assert [n["type"] for n in data] == ["follow", "favourite", "mention"]
    follow, favourite, mention = data
    assert follow["account"]["id"] == str(colleague.pk)
    assert follow["status"] is None
    assert favourite["status"]["id"] == str(activity.pk)
    assert favourite["group_key"] == f"favourite-{activity.pk}"
    assert mention["status"]["in_reply_to_id"] == str(activity.pk)  # the comment, replying to the post
    assert "J'y serai" in mention["status"]["content"] or "J&#x27;y serai" in mention["status"]["content"]
    assert all(n["read"] is False for n in data)


def test_types_and_exclude_types(api_client: TokenClient, activity: Post) -> None:
    only = api_client.get("/api/v1/notifications?types[]=mention&types[]=follow").json()
    assert [n["type"] for n in only] == ["follow", "mention"]
    without = api_client.get("/api/v1/notifications?exclude_types[]=favourite").json()
    assert [n["type"] for n in without] == ["follow", "mention"]


def test_pages_with_a_link_header(api_client: TokenClient, employee: User) -> None:
    made = Notification.objects.bulk_create([Notification(recipient=employee, kind=Kind.FOLLOW) for _ in range(5)])
    response = api_client.get("/api/v1/notifications?limit=2")
    assert [n["id"] for n in response.json()] == [str(made[4].pk), str(made[3].pk)]
    assert f"max_id={made[3].pk}" in response["Link"]
    assert api_client.get("/api/v1/notifications?limit=x").status_code == 400


def test_one_unread_count_dismiss_and_clear(api_client: TokenClient, employee: User, colleague: User) -> None:
    mine = Notification.objects.create(recipient=employee, kind=Kind.FOLLOW, actor=colleague)
    Notification.objects.create(recipient=employee, kind=Kind.FOLLOW, actor=UserFactory())
    theirs = Notification.objects.create(recipient=colleague, kind=Kind.FOLLOW, actor=employee)
    assert api_client.get(f"/api/v1/notifications/{mine.pk}").json()["account"]["id"] == str(colleague.pk)
    assert api_client.get(f"/api/v1/notifications/{theirs.pk}").status_code == 404
    assert api_client.get("/api/v1/notifications/unread_count").json() == {"count": 2}
    assert api_client.post(f"/api/v1/notifications/{theirs.pk}/dismiss").status_code == 404
    assert api_client.post(f"/api/v1/notifications/{mine.pk}/dismiss").status_code == 200
    assert api_client.get("/api/v1/notifications/unread_count").json() == {"count": 1}
    assert api_client.post("/api/v1/notifications/clear").status_code == 200
    assert not Notification.objects.filter(recipient=employee).exists()
    assert Notification.objects.filter(pk=theirs.pk).exists()


def test_signed_out_is_401(client) -> None:
    assert client.get("/api/v1/notifications").status_code == 401


@pytest.mark.parametrize("raw", ["null,null", "abc", "99999999999999999999999", "-1"])
def test_an_id_that_is_no_id_is_a_missing_notification(api_client: TokenClient, raw: str) -> None:
    assert api_client.get(f"/api/v1/notifications/{raw}").status_code == 404
    assert api_client.post(f"/api/v1/notifications/{raw}/dismiss").status_code == 404


def test_grouped_notifications_mastodon_v2(api_client: TokenClient, activity: Post, colleague: User) -> None:
    response = api_client.get("/api/v2/notifications")
    assert response.status_code == 200
    data = response.json()
    groups = data["notification_groups"]
    assert [g["type"] for g in groups] == ["follow", "favourite", "mention"]
    follow, favourite, mention = groups
    assert favourite["group_key"] == f"favourite-{activity.pk}"
    assert favourite["notifications_count"] == 2  # two people reacted
    assert favourite["sample_account_ids"] == [str(colleague.pk)]
    assert favourite["status_id"] == str(activity.pk)
    assert follow["status_id"] is None
    assert mention["status_id"] != str(activity.pk)  # the comment
    accounts = [a["id"] for a in data["accounts"]]
    assert len(accounts) == len(set(accounts)) == 1  # each account once
    assert {s["id"] for s in data["statuses"]} == {favourite["status_id"], mention["status_id"]}
    assert api_client.get("/api/v2/notifications?types[]=follow").json()["notification_groups"][0]["type"] == "follow"
