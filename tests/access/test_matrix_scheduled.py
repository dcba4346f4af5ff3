"""Scheduled posts' permission matrix: a scheduled post is its author's alone until it is published.

Every network role (administrators and compliance officers included) and its author, against one post scheduled
by the author: the policy (see, move, cancel), the pages (the list shows one's own; the cancel page and the new
time answer 404 to anyone else, exactly as for a post that does not exist) and the API (404 likewise).
Scheduling itself is posting: ``Action.CREATE_POST`` on the draft (``tests/access/test_matrix_spaces.py``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.http import Http404
from django.test import Client
from django.utils import timezone

from essaim import access
from essaim.access import Action
from essaim.stream import scheduling
from essaim.stream.models import ScheduledPost
from tests.access.conftest import NETWORK_ROLES, assert_answer, network_actor, read_table
from tests.accounts.factories import UserFactory
from tests.api.conftest import token_client_for

ROLES = [*NETWORK_ROLES, "author"]
# "ok" = allowed, 404 = not visible (as a missing one), "login" = sent to sign in, 401 = the API without a token.
TABLE = """
    view          404   404 404 404 404 404 ok
    edit          404   404 404 404 404 404 ok
    delete        404   404 404 404 404 404 ok
    list_page     login ok  ok  ok  ok  ok  ok
    cancel_page   login 404 404 404 404 404 ok
    new_time      login 404 404 404 404 404 ok
    api_detail    401   404 404 404 404 404 ok
"""
EXPECTED = read_table(TABLE, ROLES)


@pytest.fixture
def author(db: None) -> Any:
    return UserFactory()


@pytest.fixture
def scheduled(author: Any) -> ScheduledPost:
    return scheduling.scheduled_post_create(
        actor=author, scheduled_at=timezone.now() + timedelta(hours=2), body="Le plan de la semaine prochaine"
    )


def _actor(role: str, author: Any) -> Any:
    return author if role == "author" else network_actor(role)


@pytest.mark.parametrize("role", ROLES)
def test_the_policy(role: str, author: Any, scheduled: ScheduledPost) -> None:
    actor = _actor(role, author)
    for action, row in ((Action.VIEW, "view"), (Action.EDIT, "edit"), (Action.DELETE, "delete")):
        allowed = EXPECTED[row, role] == "ok"
        assert access.can(actor, action, scheduled) is allowed, row
        if not allowed:
            with pytest.raises(Http404):
                access.require(actor, action, scheduled)
    visible = list(access.visible(actor, ScheduledPost.objects.all()))
    assert visible == ([scheduled] if EXPECTED["view", role] == "ok" else [])


@pytest.mark.parametrize("role", ROLES)
def test_the_pages(client: Client, role: str, author: Any, scheduled: ScheduledPost) -> None:
    actor = _actor(role, author)
    if role != "anonymous":
        client.force_login(actor)
    listed = client.get("/posts/scheduled/")
    assert_answer(listed, EXPECTED["list_page", role])
    if listed.status_code == 200:
        assert (scheduled.body in listed.content.decode()) is (role == "author")
    assert_answer(client.get(f"/posts/scheduled/{scheduled.pk}/cancel"), EXPECTED["cancel_page", role])
    new_time = {f"s{scheduled.pk}-scheduled_at": (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")}
    assert_answer(client.post(f"/posts/scheduled/{scheduled.pk}/time", new_time), EXPECTED["new_time", role])
    assert ScheduledPost.objects.filter(pk=scheduled.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_api(client: Client, role: str, author: Any, scheduled: ScheduledPost) -> None:
    actor = _actor(role, author)
    api = client if role == "anonymous" else token_client_for(actor)
    response = api.get(f"/api/v1/scheduled_statuses/{scheduled.pk}")
    answer = EXPECTED["api_detail", role]
    assert response.status_code == (200 if answer == "ok" else int(answer))
