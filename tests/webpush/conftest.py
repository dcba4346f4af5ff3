"""An app signed in through the real OAuth flow with the ``push`` scope, and the push service it subscribes to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from essaim.accounts.models import User
from tests.api.conftest import TokenClient
from tests.api.test_oauth import authorise, register, token_for
from tests.core.loopback import LoopbackServer
from tests.webpush import push_service
from tests.webpush.push_service import Browser, PushService


def app_client(person: User, *, scope: str = "read write follow push") -> TokenClient:
    """A Mastodon app of ``person``'s, signed in through /oauth/authorize with ``scope``."""
    app = register(Client(), scopes="read write follow push")
    raw = token_for(app, authorise(person, app, scope=scope))["access_token"]
    client = TokenClient(raw)
    client.raw_token = raw  # type: ignore[attr-defined]  # what the push payload must carry
    return client


@pytest.fixture
def browser() -> Browser:
    return Browser()


@pytest.fixture
def push(settings: object, browser: Browser) -> Iterator[PushService]:
    settings.FETCH_ALLOW = ["127.0.0.1"]  # type: ignore[attr-defined]  # pytest-django's settings fixture
    with LoopbackServer() as server:
        yield push_service.start(server, browser)


def subscribe(
    client: TokenClient,
    service: PushService,
    *,
    alerts: dict[str, bool] | None = None,
    policy: str = "all",
    device: str = "device-1",
) -> dict[str, object]:
    """Subscribe as Mastodon.py does: form fields ``subscription[…]`` and ``data[…]``."""
    chosen = alerts if alerts is not None else {"mention": True, "favourite": True, "follow": True, "status": True}
    form = {
        "subscription[endpoint]": service.endpoint(device),
        "subscription[keys][p256dh]": service.browser.p256dh,
        "subscription[keys][auth]": service.browser.auth,
        "data[policy]": policy,
    } | {f"data[alerts][{name}]": "true" if on else "false" for name, on in chosen.items()}
    response = client.post("/api/v1/push/subscription", form)
    assert response.status_code == 200, response.content
    return response.json()
