"""Mastodon.py, a real Mastodon client, against a live Essaim on loopback: it subscribes with its own keys (sent in
plain base64, as it does), changes and reads its subscription, receives a mention through the push service and
decrypts it with the private key it made; then it unsubscribes."""

from __future__ import annotations

import json
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from essaim.accounts.models import User
from essaim.notifications import services as notifications
from essaim.notifications.models import Notification
from essaim.stream import services as stream_services
from essaim.webpush import keys
from essaim.webpush.models import PushSubscription
from tests.api.test_oauth import authorise, register, token_for
from tests.core.loopback import LoopbackServer
from tests.databases import shared_by_threads

pytestmark = pytest.mark.django_db(transaction=True)


# The live server's threads, Mastodon.py's requests and the push's task share the in-memory SQLite test database's
# one connection: once in a full run no push was sent. PostgreSQL runs it in CI; test_delivery.py keeps SQLite's side.
@pytest.mark.skipif(not shared_by_threads(), reason="an in-memory SQLite database is not shared by threads")
def test_mastodon_py_subscribes_and_decrypts_what_is_pushed(
    live_server: Any, settings: Any, employee: User, colleague: User
) -> None:
    from mastodon import Mastodon

    settings.FETCH_ALLOW = ["127.0.0.1"]
    app = register(Client(), scopes="read write follow push")
    token = token_for(app, authorise(colleague, app, scope="read push"))["access_token"]
    client = Mastodon(
        access_token=token, api_base_url=live_server.url, version_check_mode="created", ratelimit_method="throw"
    )
    private, public = client.push_subscription_generate_keys()
    with LoopbackServer() as server:
        server.route("/push/phone", status=201)
        made = client.push_subscription_set(
            server.url("/push/phone"), public, mention_events=True, follow_events=False, policy="all"
        )
        assert made["server_key"] == keys.public_key()
        assert (made["alerts"]["mention"], made["alerts"]["follow"]) == (True, False)
        changed = client.push_subscription_update(follow_events=True, mention_events=True, policy="followed")
        assert (changed["alerts"]["follow"], changed["policy"]) == (True, "followed")
        assert client.push_subscription()["endpoint"] == server.url("/push/phone")
        client.push_subscription_update(mention_events=True, policy="all")

        post = stream_services.post_create(actor=employee, body="Réunion Atlas à 14 h")
        notifications.notify(
            recipient_ids=[colleague.pk], kind=Notification.Kind.MENTION, source="m:1", actor_id=employee.pk,
            post_id=post.pk,
        )  # fmt: skip
        [seen] = [r for r in server.requests if r.path == "/push/phone"]

    browser_key = ec.derive_private_key(private["privkey"], ec.SECP256R1())
    plain = http_ece.decrypt(seen.body, private_key=browser_key, auth_secret=private["auth"], version="aes128gcm")
    pushed = json.loads(plain)
    assert pushed["access_token"] == token
    assert pushed["notification_type"] == "mention"
    assert pushed["body"] == "Réunion Atlas à 14 h"
    client.push_subscription_delete()
    assert not PushSubscription.objects.exists()
