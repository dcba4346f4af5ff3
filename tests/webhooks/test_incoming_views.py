"""The incoming hooks' endpoint: a request becomes a post by the hook's account, or a clear JSON error."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from essaim.accounts.models import User
from essaim.charters.models import Charter
from essaim.spaces.models import Space
from essaim.stream.models import Post
from essaim.webhooks import services
from essaim.webhooks.models import IncomingWebhook


def post_to(client: Client, token: str, data: object, **headers: str) -> object:
    return client.post(f"/hooks/{token}", json.dumps(data), content_type="application/json", headers=headers)


def test_only_a_hash_of_the_secret_is_kept(hook: tuple[IncomingWebhook, str]) -> None:
    found, token = hook
    assert token not in found.token_hash
    assert found.token_hash == services.token_hash(token)
    assert found.account.kind == User.Kind.BOT
    assert not found.account.has_usable_password()


def test_a_message_becomes_a_post_by_the_hook(client: Client, hook: tuple[IncomingWebhook, str], space: Space) -> None:
    found, token = hook
    response = post_to(client, token, {"text": "Build *green*", "title": "CI"})
    assert response.status_code == 200, response.content
    post = Post.objects.get(pk=response.json()["post_id"])
    assert (post.author_id, post.space_id) == (found.account_id, space.pk)
    assert post.body == "**CI**\n\nBuild **green**"
    assert "<strong>green</strong>" in post.body_html
    found.refresh_from_db()
    assert found.post_count == 1
    assert found.last_used_at is not None


def test_no_csrf_and_no_session_needed(hook: tuple[IncomingWebhook, str]) -> None:
    client = Client(enforce_csrf_checks=True)
    assert post_to(client, hook[1], {"text": "hi"}).status_code == 200


def test_a_github_event(client: Client, hook: tuple[IncomingWebhook, str]) -> None:
    issue = {"action": "closed", "issue": {"number": 2, "title": "Bug"}, "repository": {"full_name": "a/b"}}
    response = post_to(client, hook[1], issue, **{"X-GitHub-Event": "issues"})
    assert response.status_code == 200
    assert "closed issue" in Post.objects.get().body
    assert post_to(client, hook[1], {}, **{"X-GitHub-Event": "ping"}).json() == {"ok": True, "posted": False}


@pytest.mark.parametrize("body", [b"{nope", b'{"text": " "}', b'"text"'])
def test_bad_payloads_get_400_json_and_nothing_is_written(
    client: Client, hook: tuple[IncomingWebhook, str], body: bytes
) -> None:
    response = client.post(f"/hooks/{hook[1]}", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "bad_payload"
    assert response.json()["error_description"]
    assert not Post.objects.exists()


def test_unknown_token_and_get(client: Client, hook: tuple[IncomingWebhook, str]) -> None:
    assert post_to(client, "nope", {"text": "x"}).status_code == 404
    assert client.get(f"/hooks/{hook[1]}").status_code == 405


def test_regenerating_kills_the_old_url(client: Client, hook: tuple[IncomingWebhook, str], space_admin: User) -> None:
    found, old = hook
    new = services.incoming_webhook_regenerate(actor=space_admin, hook=found)
    assert post_to(client, old, {"text": "x"}).status_code == 404
    assert post_to(client, new, {"text": "x"}).status_code == 200


def test_rate_limited_per_hook(client: Client, hook: tuple[IncomingWebhook, str], settings: object) -> None:
    settings.RATE_LIMITS = "webhook=2/60"  # type: ignore[attr-defined]
    assert [post_to(client, hook[1], {"text": str(i)}).status_code for i in range(3)] == [200, 200, 429]
    assert Post.objects.count() == 2


def test_a_space_charter_does_not_stop_the_hook(
    client: Client, hook: tuple[IncomingWebhook, str], space: Space, space_admin: User
) -> None:
    Charter.objects.create(space=space, version=1, body_en="Be kind", published_by=space_admin)
    assert post_to(client, hook[1], {"text": "x"}).status_code == 200


def test_deleting_the_hook_stops_it_and_keeps_its_posts(
    client: Client, hook: tuple[IncomingWebhook, str], space_admin: User
) -> None:
    found, token = hook
    post_to(client, token, {"text": "x"})
    services.incoming_webhook_delete(actor=space_admin, hook=found)
    assert post_to(client, token, {"text": "y"}).status_code == 404
    assert Post.objects.count() == 1


def test_an_archived_space_refuses(client: Client, hook: tuple[IncomingWebhook, str], space: Space) -> None:
    Space.objects.filter(pk=space.pk).update(archived_at=space.created_at)
    response = post_to(client, hook[1], {"text": "x"})
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert not Post.objects.exists()
