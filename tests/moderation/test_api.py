"""Mastodon's ``POST /api/v1/reports``: an account, or some of its statuses (posts or comments), in Mastodon's
Report shape; errors with a clear message."""

from __future__ import annotations

from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.moderation.models import Report
from essaim.stream.models import Comment, Post
from tests.accounts.factories import GuestFactory
from tests.api.conftest import token_client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports"


def _post(client: Any, **body: Any) -> Any:
    return client.post(URL, body, content_type="application/json")


def test_an_account_with_a_post_and_a_comment_in_mastodon_s_shape(
    reporter: User, author: User, post: Post, space: Any
) -> None:
    from essaim.stream import services as stream

    reply = stream.comment_create(actor=author, post=post, body="Et encore")
    response = _post(
        token_client_for(reporter),
        account_id=str(author.pk),
        status_ids=[str(post.pk), str(reply.pk)],
        comment="Publicité",
        category="spam",
        rule_ids=["1"],
        forward=True,
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert set(data) >= {"id", "action_taken", "category", "comment", "forwarded", "created_at", "status_ids",
                         "target_account"}  # fmt: skip
    shown = (data["action_taken"], data["category"], data["comment"], data["forwarded"])
    assert shown == (False, "spam", "Publicité", False)
    assert data["status_ids"] == [str(post.pk), str(reply.pk)]
    assert data["target_account"]["id"] == str(author.pk)
    assert sorted(Report.objects.values_list("target_kind", flat=True)) == ["comment", "post"]


def test_an_account_alone_and_essaim_s_own_reasons(reporter: User, author: User) -> None:
    response = _post(token_client_for(reporter), account_id=str(author.pk), category="harassment")
    assert response.status_code == 200
    assert (response.json()["status_ids"], response.json()["essaim_reason"]) == (None, "harassment")
    assert Report.objects.get().target_kind == "person"


def test_form_encoded_as_mastodon_apps_send_it(reporter: User, author: User, post: Post) -> None:
    response = token_client_for(reporter).post(URL, {"account_id": str(author.pk), "status_ids[]": [str(post.pk)]})
    assert response.status_code == 200
    assert Report.objects.get().post == post


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"account_id": "999999"}, 404, "Record not found"),
        ({"category": "boring"}, 422, "Unknown category"),
        ({"me": True}, 403, "You cannot report yourself"),
        ({"status_ids": ["other"]}, 422, "This status is not by this account"),
        ({"status_ids": ["999999"]}, 404, "Record not found"),
        ({"comment": "x" * 1001}, 422, "too long"),
    ],
)
def test_errors_say_what_is_wrong(  # noqa: PLR0917 - parametrized
    reporter: User, author: User, comment: Comment, body: dict[str, Any], status: int, message: str
) -> None:
    data: dict[str, Any] = {"account_id": str(author.pk), **body}
    if body.pop("me", False):
        data = {"account_id": str(reporter.pk)}
    if body.get("status_ids") == ["other"]:
        data["status_ids"] = [str(comment.pk)]  # by someone else than ``author``
    response = _post(token_client_for(reporter), **data)
    assert response.status_code == status
    assert message in str(response.json())


def test_twice_is_409_and_a_post_one_may_not_read_404(reporter: User, author: User, post: Post) -> None:
    client = token_client_for(reporter)
    assert _post(client, account_id=str(author.pk), status_ids=[str(post.pk)]).status_code == 200
    again = _post(client, account_id=str(author.pk), status_ids=[str(post.pk)])
    assert again.status_code == 409
    assert "already reported" in again.json()["error"] + again.json()["error_description"]
    outsider = token_client_for(GuestFactory())
    assert _post(outsider, account_id=str(author.pk), status_ids=[str(post.pk)]).status_code == 404


def test_anonymous_gets_401(client: Any, author: User) -> None:
    assert client.post(URL, {"account_id": str(author.pk)}).status_code == 401
