"""Mastodon's ``Idempotency-Key`` on ``POST /api/v1/statuses``: a retry writes nothing new."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from essaim.accounts.models import User
from essaim.api import idempotency
from essaim.api.models import IdempotencyKey
from essaim.stream import services as stream
from essaim.stream.models import Comment, Post
from tests.api.conftest import TokenClient, token_client_for

pytestmark = pytest.mark.django_db


def send(client: TokenClient, body: dict[str, Any], key: str | None = "retry-1") -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post("/api/v1/statuses", json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def app(employee: User) -> TokenClient:
    return token_client_for(employee)


class TestStatusesCreate:
    def test_the_same_key_again_answers_the_status_it_wrote(self, app: TokenClient) -> None:
        first = send(app, {"status": "Bonjour"})
        again = send(app, {"status": "Bonjour"})
        assert (first.status_code, again.status_code) == (200, 200)
        assert again.json()["id"] == first.json()["id"]
        assert Post.objects.count() == 1

    def test_without_a_key_each_request_writes(self, app: TokenClient) -> None:
        send(app, {"status": "Bonjour"}, key=None)
        send(app, {"status": "Bonjour"}, key=None)
        assert Post.objects.count() == 2

    def test_another_key_writes_another_status(self, app: TokenClient) -> None:
        send(app, {"status": "Bonjour"}, key="a")
        send(app, {"status": "Bonjour"}, key="b")
        assert Post.objects.count() == 2

    def test_a_key_is_each_person_s_own(self, app: TokenClient, colleague: User) -> None:
        send(app, {"status": "Bonjour"})
        theirs = send(token_client_for(colleague), {"status": "Salut"})
        assert theirs.status_code == 200
        assert Post.objects.get(pk=int(theirs.json()["id"])).author == colleague

    def test_a_key_lasts_an_hour(self, app: TokenClient) -> None:
        first = send(app, {"status": "Bonjour"})
        IdempotencyKey.objects.update(created_at=timezone.now() - idempotency.WINDOW - timedelta(seconds=1))
        later = send(app, {"status": "Bonjour"})
        assert later.json()["id"] != first.json()["id"]
        assert IdempotencyKey.objects.count() == 1  # the expired key made way for the new one

    def test_a_reply_sent_again_is_one_comment(self, app: TokenClient, colleague: User) -> None:
        post = stream.post_create(actor=colleague, body="Question ?")
        first = send(app, {"status": "Réponse", "in_reply_to_id": str(post.pk)})
        again = send(app, {"status": "Réponse", "in_reply_to_id": str(post.pk)})
        assert again.json()["id"] == first.json()["id"]
        assert again.json()["in_reply_to_id"] == str(post.pk)
        assert Comment.objects.count() == 1

    def test_a_refused_status_keeps_no_key(self, app: TokenClient) -> None:
        assert send(app, {"status": "   "}).status_code == 422
        written = send(app, {"status": "Bonjour"})  # the same key: the refusal did not take it
        assert written.status_code == 200
        assert list(IdempotencyKey.objects.values_list("status_id", flat=True)) == [int(written.json()["id"])]

    def test_the_same_key_with_another_body_is_refused_and_writes_nothing(self, app: TokenClient) -> None:
        send(app, {"status": "Bonjour"})
        other = send(app, {"status": "Au revoir"})
        assert other.status_code == 422
        assert "new key" in other.json()["error_description"]
        assert list(Post.objects.values_list("body", flat=True)) == ["Bonjour"]

    def test_a_key_too_long_is_refused_with_a_message(self, app: TokenClient) -> None:
        response = send(app, {"status": "Bonjour"}, key="k" * 256)
        assert response.status_code == 422
        assert "255" in response.json()["error_description"]
        assert Post.objects.count() == 0


class TestWriteOnce:
    def test_a_request_that_loses_the_race_answers_the_winner_s_status(self, employee: User) -> None:
        """Two copies sent at once: the second finds no key, writes, and meets the first's at the constraint."""
        winner = stream.post_create(actor=employee, body="Premier")
        IdempotencyKey.objects.create(user=employee, key="k", request_hash="h", status_id=winner.pk)
        checks: list[int | None] = [None]  # the second request looked before the first had written its key
        original = idempotency.earlier_status_id

        def late_look(**kwargs: Any) -> int | None:
            return checks.pop() if checks else original(**kwargs)

        write: Callable[[], Post] = lambda: stream.post_create(actor=employee, body="Second")  # noqa: E731
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(idempotency, "earlier_status_id", late_look)
            answer = idempotency.write_once(
                user=employee, key="k", request_hash="h", write=write, status_id=lambda p: p.pk
            )
        assert answer == winner.pk
        assert list(Post.objects.values_list("body", flat=True)) == ["Premier"]
