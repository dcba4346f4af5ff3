"""Pre-approval's permission matrix: whose post shows at once (``PUBLISH_DIRECTLY``) for each setting of
``Space.post_approval``, and what happens through the two ways of posting into a space (the composer and
``POST /api/v1/statuses``): "ok" = published, "waits" = saved waiting for a moderator, 403 = may not post there.

Newcomers are members for less than 30 days; old members joined 60 days ago. Moderators, admins and owners
never wait.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from essaim import access
from essaim.access import Action
from essaim.api.services import personal_token_create
from essaim.spaces.models import Membership, Space
from essaim.stream.models import Post
from tests.access.conftest import read_table
from tests.accounts.factories import GuestFactory, UserFactory
from tests.spaces.factories import MembershipFactory, SpaceFactory

ROLES = ["outsider", "reader", "guest", "newcomer", "member", "moderator", "admin", "owner"]
TABLE = """
    none       403 403 ok    ok    ok    ok ok ok
    guests     403 403 waits ok    ok    ok ok ok
    newcomers  403 403 waits waits ok    ok ok ok
    members    403 403 waits waits waits ok ok ok
"""
EXPECTED = read_table(TABLE, ROLES)
SETTINGS = ["none", "guests", "newcomers", "members"]


def _actor(space: Space, role: str) -> Any:
    if role == "outsider":
        return UserFactory()
    user = GuestFactory() if role == "guest" else UserFactory()
    membership_role = {"guest": "member", "newcomer": "member"}.get(role, role)
    joined = timezone.now() - (timedelta(days=3) if role in {"guest", "newcomer"} else timedelta(days=60))
    membership = MembershipFactory(space=space, user=user, role=membership_role)
    Membership.objects.filter(pk=membership.pk).update(created_at=joined)  # ``auto_now_add`` took the clock
    return user


def _answer(actor: Any, space: Space) -> str:
    if not access.can(actor, Action.CREATE_POST, space):
        return "403"
    return "ok" if access.can(actor, Action.PUBLISH_DIRECTLY, space) else "waits"


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("role", ROLES)
def test_the_action(db: None, role: str, setting: str) -> None:
    space = SpaceFactory(post_approval=setting)
    assert _answer(_actor(space, role), space) == EXPECTED[setting, role]


@pytest.mark.parametrize("surface", ["composer", "api"])
@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("role", ["guest", "newcomer", "member", "moderator"])
def test_posting(client: Client, db: None, role: str, setting: str, surface: str) -> None:
    space = SpaceFactory(post_approval=setting)
    actor = _actor(space, role)
    if surface == "composer":
        client.force_login(actor)
        response = client.post("/posts/new", {"body": "Bonjour l’équipe", "space": space.pk, "next": "/"})
        assert response.status_code == 302
    else:
        token = personal_token_create(actor=actor, name="app")[1]
        response = client.post(
            "/api/v1/statuses",
            {"status": "Bonjour l’équipe", "space_id": str(space.pk)},
            content_type="application/json",
            headers={"authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
    post = Post.objects.get(space=space)
    assert ("waits" if post.awaiting_approval else "ok") == EXPECTED[setting, role]
    assert (post.hidden_at is not None) is post.awaiting_approval
    assert Membership.objects.filter(space=space, user=actor).exists()
