"""Issue 23, points 2 and 3 in a real browser: a space's administrator creates an incoming webhook (its URL
shown once), a tool posts to it and the post shows in the space as the webhook's; the administrator subscribes
an address to the space's events, reads the delivery log and sends a delivery again; a network administrator
subscribes one for the whole network. Each page on a desktop and a phone, in English and in French, with
axe-core and without sideways scrolling.

The new words have no French yet (the catalogue comes with the merge): buttons are found by their form."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.events import outbox
from essaim.spaces.models import Membership
from essaim.stream import services as stream
from essaim.webhooks.models import Delivery, Endpoint
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import PHONE, looks_right, sign_in
from tests.core.loopback import LoopbackServer
from tests.spaces.factories import MembershipFactory, SpaceFactory
from tests.webhooks.receiver import Receiver, start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.FETCH_ALLOW = ["127.0.0.1"]
    with LoopbackServer() as server:
        yield start(server)


def post_to_hook(url: str, payload: dict[str, str]) -> None:
    """What a tool does: POST JSON to the hook's secret URL."""
    data = json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST")  # noqa: S310 - the live server
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - the live server's own address
        assert json.load(answer)["posted"] is True


def subscribe_and_deliver(page: Any, receiver: Receiver, space: Any) -> None:
    """The administrator subscribes the receiver to the space's posts and comments; someone posts."""
    page.goto("/spaces/plateforme/settings/webhooks/")
    form = page.locator("form[action='/spaces/plateforme/settings/webhooks/endpoints/']")
    form.locator("input[name=url]").fill(receiver.url())
    form.locator("input[name=description]").fill("Tableau de bord")
    form.locator("input[value='comment.created']").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/webhooks/endpoints/*/")
    receiver.secret = Endpoint.objects.get().secret
    poster = UserFactory(first_name="Paul")
    MembershipFactory(space=space, user=poster)
    stream.post_create(actor=poster, body="Mise en production **ce soir**", space=space)
    outbox.drain(budget_s=20)
    assert [body["data"]["post"]["text"] for body in receiver.verified][-1] == "Mise en production **ce soir**"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_space_admin_sets_up_webhooks_in_and_out(
    open_page: Callable[..., Any], live_server: Any, receiver: Receiver, language: str
) -> None:
    space = SpaceFactory(name="Plateforme", slug="plateforme", description="L'équipe qui livre.")
    admin = UserFactory(first_name="Aline", last_name="Roux", language=language)
    MembershipFactory(space=space, user=admin, role=Membership.Role.ADMIN)

    page = open_page()
    sign_in(page, admin.email, PASSWORD)
    page.goto("/spaces/plateforme/settings/")
    page.locator("a[href='/spaces/plateforme/settings/webhooks/']").click()
    page.wait_for_url("**/settings/webhooks/")
    looks_right(page, f"webhooks-space-empty-desktop-{language}")

    page.locator("input[name=name]").fill("Intégration continue")
    page.locator("form[action='/spaces/plateforme/settings/webhooks/'] button[type=submit]").click()
    secret = page.get_by_test_id("new-url")
    secret.wait_for()
    url = secret.input_value()
    assert url.startswith(live_server.url + "/hooks/")
    looks_right(page, f"webhooks-space-created-desktop-{language}")

    post_to_hook(url, {"text": "Build *vert* sur `main` <https://ci.example/42|#42>", "title": "CI"})
    page.goto("/spaces/plateforme/")
    page.locator("article").get_by_text("Intégration continue").first.wait_for()
    looks_right(page, f"webhooks-space-post-desktop-{language}")
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/spaces/plateforme/")
    phone.locator("article").get_by_text("Intégration continue").first.wait_for()
    looks_right(phone, f"webhooks-space-post-phone-{language}")

    subscribe_and_deliver(page, receiver, space)
    page.reload()
    page.locator("table").get_by_text("post.created").first.wait_for()
    looks_right(page, f"webhooks-endpoint-log-desktop-{language}")
    phone.goto(page.url)
    phone.locator("table").get_by_text("post.created").first.wait_for()
    looks_right(phone, f"webhooks-endpoint-log-phone-{language}")

    delivery = Delivery.objects.filter(event_type="post.created").latest("id")
    page.locator(f"form[action$='/deliveries/{delivery.pk}/resend/'] button").click()
    page.wait_for_url("**/webhooks/endpoints/*/")
    assert receiver.ids.count(delivery.msg_id) == 2

    phone.goto("/spaces/plateforme/settings/webhooks/")
    phone.locator("h2#hooks-title").wait_for()
    looks_right(phone, f"webhooks-space-phone-{language}")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_network_admin_subscribes_for_the_whole_network(
    open_page: Callable[..., Any], network_admin: User, language: str
) -> None:
    network_admin.language = language
    network_admin.save(update_fields=["language"])
    page = open_page()
    sign_in(page, network_admin.email, PASSWORD)
    page.goto("/manage/")
    page.locator("a[href='/manage/webhooks/']").click()
    page.wait_for_url("**/manage/webhooks/")
    page.locator("input[name=url]").fill("https://hooks.example.com/essaim")
    page.locator("input[value='member.joined']").check()
    page.locator("main form[action='/manage/webhooks/'] button[type=submit]").click()
    page.wait_for_url("**/webhooks/endpoints/*/")
    page.locator("main details summary").click()
    looks_right(page, f"webhooks-network-endpoint-desktop-{language}")
    page.goto("/manage/webhooks/")
    page.locator(".webhook-url").first.wait_for()
    looks_right(page, f"webhooks-network-desktop-{language}")
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/manage/webhooks/")
    phone.locator(".webhook-url").first.wait_for()
    looks_right(phone, f"webhooks-network-phone-{language}")
