"""The outbox's permission matrix: who reads the mail Essaim kept (every mail's links, reset links included).

Network administrators only. Like every /manage/ page, the pages ask the network-level action first:
anonymous visitors are sent to sign in, everyone else without the role gets 403, before any message is
looked up (so a message's id tells them nothing). The policy itself hides each message from them (404).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse

from essaim import access
from essaim.access import Action
from essaim.mailbox.models import OutboxMessage
from tests.access.conftest import NETWORK_ROLES, network_actor, read_table
from tests.mailbox.factories import OutboxMessageFactory

ROLES = NETWORK_ROLES
# "ok" = allowed, 403 = refused, 404 = not visible, "login" = sent to the sign-in page. Columns follow ROLES.
TABLE = """
    read_outbox    403   403 403 403 403 ok
    view_message   404   404 404 404 404 ok
    list_page      login 403 403 403 403 ok
    message_page   login 403 403 403 403 ok
    html_part      login 403 403 403 403 ok
"""
PAGES = {
    "list_page": ("mailbox:message-list", False),
    "message_page": ("mailbox:message-detail", True),
    "html_part": ("mailbox:message-html", True),
}


EXPECTED = read_table(TABLE, ROLES)


def _actor(role: str) -> Any:
    return network_actor(role)


@pytest.mark.parametrize("role", ROLES)
def test_reading_the_outbox(db: None, role: str) -> None:
    actor = _actor(role)
    allowed = EXPECTED["read_outbox", role] == "ok"
    assert access.can(actor, Action.READ_OUTBOX) is allowed
    if not allowed:
        with pytest.raises(PermissionDenied):
            access.require(actor, Action.READ_OUTBOX)


@pytest.mark.parametrize("role", ROLES)
def test_a_message(db: None, role: str) -> None:
    actor, message = _actor(role), OutboxMessageFactory()
    allowed = EXPECTED["view_message", role] == "ok"
    assert access.can(actor, Action.VIEW, message) is allowed
    assert list(access.visible(actor, OutboxMessage.objects.all())) == ([message] if allowed else [])
    if not allowed:
        with pytest.raises(Http404):
            access.require(actor, Action.VIEW, message)
    assert not access.can(actor, Action.EDIT, message)  # a copy of what was sent: nobody changes it
    assert not access.can(actor, Action.DELETE, message)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_pages(client: Client, db: None, role: str, page: str) -> None:
    actor, message = _actor(role), OutboxMessageFactory(html="<p>Hi</p>")
    if role != "anonymous":
        client.force_login(actor)
    url_name, per_message = PAGES[page]
    url = reverse(url_name, kwargs={"message_id": message.pk}) if per_message else reverse(url_name)
    response = client.get(url)
    answer = EXPECTED[page, role]
    if answer == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == (200 if answer == "ok" else int(answer))
    if per_message and role != "network_admin":  # a missing message answers exactly like a forbidden one
        missing = reverse(url_name, kwargs={"message_id": message.pk + 1000})
        assert client.get(missing).status_code == response.status_code
