"""The moderation permission matrix: role × target × action → allowed / 403 / 404, stated once below.

Targets: a post in a public, a private, a secret and an archived (public) space, a post outside spaces (for the
whole company), a comment in the public space, and a person. Everyone in a space role belongs to every space,
as the author does. Actions: ``report`` (``Action.REPORT`` on the target), ``moderate`` (``MODERATE_REPORTS`` on
an open report of it: seeing it is deciding it, so a refusal is 404). Every cell is checked against ``access``,
the report page, ``POST /api/v1/reports``, the queue (the report listed or not), a decision posted from the queue
and the navigation's count (``access.visible_sql``, proven equal to ``visible``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essaim import access
from essaim.access import Action
from essaim.moderation.models import Reason, Report
from essaim.moderation.services import target_of
from essaim.spaces import selectors as space_selectors
from essaim.spaces.models import Membership
from essaim.stream.models import Comment, Post
from tests.access.conftest import read_table, world_for_module
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory
from tests.spaces.factories import SpaceFactory

ROLES = ["anonymous", "guest_member", "outsider", "reader", "member", "moderator", "admin", "owner",
         "network_admin", "compliance", "author"]  # fmt: skip
#         anon g-mem outsd reader member moder admin owner netadm compl author
TABLES = {
    "public": """
        report   404 ok  ok  ok  ok  ok  ok  ok  ok  ok  403
        moderate 404 404 404 404 404 ok  ok  ok  ok  404 404
    """,
    "private": """
        report   404 ok  404 ok  ok  ok  ok  ok  404 404 403
        moderate 404 404 404 404 404 ok  ok  ok  404 404 404
    """,
    "secret": """
        report   404 ok  404 ok  ok  ok  ok  ok  404 404 403
        moderate 404 404 404 404 404 ok  ok  ok  404 404 404
    """,
    # An archived space moderates nothing any more: its reports go to the network administrators.
    "archived": """
        report   404 ok  ok  ok  ok  ok  ok  ok  ok  ok  403
        moderate 404 404 404 404 404 404 404 404 ok  404 404
    """,
    "company": """
        report   404 404 ok  ok  ok  ok  ok  ok  ok  ok  403
        moderate 404 404 404 404 404 404 404 404 ok  404 404
    """,
    "comment": """
        report   404 ok  ok  ok  ok  ok  ok  ok  ok  ok  403
        moderate 404 404 404 404 404 ok  ok  ok  ok  404 404
    """,
    "person": """
        report   404 ok  ok  ok  ok  ok  ok  ok  ok  ok  403
        moderate 404 404 404 404 404 404 404 404 ok  404 404
    """,
}
# Whatever the target: who opens the queue (network-wide), and who suspends the author's account.
NETWORK = """
    queue    403 403 403 403 403 ok  ok  ok  ok  403 403
    suspend  404 403 403 403 403 403 403 403 ok  403 403
"""
EXPECTED = {kind: read_table(table, ROLES) for kind, table in TABLES.items()}
NETWORK_EXPECTED = read_table(NETWORK, ROLES)
KINDS = list(TABLES)
SPACE_ROLES = {"guest_member": "member", "reader": "reader", "member": "member", "moderator": "moderator",
               "admin": "admin", "owner": "owner", "author": "member"}  # fmt: skip


@dataclass
class World:
    users: dict[str, Any]
    targets: dict[str, Any]
    reports: dict[str, Report]


def _build() -> World:
    users: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "guest_member": GuestFactory(),
        "outsider": UserFactory(),
        "network_admin": AdminFactory(),
        "compliance": UserFactory(is_compliance_officer=True),
    }
    users.update({role: UserFactory() for role in SPACE_ROLES if role not in users})
    reporter = UserFactory()
    spaces = {kind: SpaceFactory(visibility=kind) for kind in ("public", "private", "secret")}
    spaces["archived"] = SpaceFactory(visibility="public", archived_at=timezone.now())
    Membership.objects.bulk_create(
        [Membership(space=s, user=users[role], role=r) for s in spaces.values() for role, r in SPACE_ROLES.items()]
        + [Membership(space=s, user=reporter, role="member") for s in spaces.values()]
    )
    author = users["author"]
    targets: dict[str, Any] = {k: Post.objects.create(author=author, space=s, body=k) for k, s in spaces.items()}
    targets["company"] = Post.objects.create(author=author, body="company", visibility="company")
    targets["comment"] = Comment.objects.create(post=targets["public"], author=author, body="comment")
    targets["person"] = author
    reports = {
        kind: Report.objects.create(reporter=reporter, reason=Reason.SPAM, **target_of(target))
        for kind, target in targets.items()
    }
    return World(users=users, targets=targets, reports=reports)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    yield from world_for_module(django_db_blocker, _build)


def _check(actor: Any, action: Action, target: Any, answer: str) -> None:
    assert access.can(actor, action, target) is (answer == "ok")
    if answer == "ok":
        access.require(actor, action, target)
    else:
        with pytest.raises(Http404 if answer == "404" else PermissionDenied):
            access.require(actor, action, target)


CELLS = [pytest.param(role, kind, id=f"{kind}-{role}") for kind in KINDS for role in ROLES]


@pytest.mark.parametrize(("role", "kind"), CELLS)
def test_policy(world: World, db: None, role: str, kind: str) -> None:
    actor = world.users[role]
    _check(actor, Action.REPORT, _fresh(world.targets[kind]), EXPECTED[kind]["report", role])
    report = Report.objects.select_related("space").get(pk=world.reports[kind].pk)
    _check(actor, Action.MODERATE_REPORTS, report, EXPECTED[kind]["moderate", role])
    _check(actor, Action.VIEW, report, EXPECTED[kind]["moderate", role])


def _fresh(target: Any) -> Any:
    if isinstance(target, Post):
        return Post.objects.select_related("space", "author").get(pk=target.pk)
    if isinstance(target, Comment):
        return Comment.objects.select_related("post__space", "post__author", "author").get(pk=target.pk)
    return target.__class__.objects.get(pk=target.pk)


@pytest.mark.parametrize("role", ROLES)
def test_network_rights(world: World, db: None, role: str) -> None:
    actor = world.users[role]
    assert access.can(actor, Action.MODERATE_REPORTS) is (NETWORK_EXPECTED["queue", role] == "ok")
    _check(actor, Action.SUSPEND, world.users["author"], NETWORK_EXPECTED["suspend", role])


@pytest.mark.parametrize("role", ROLES)
def test_visible_visible_sql_and_the_navigation_count_agree(world: World, db: None, role: str) -> None:
    actor = world.users[role]
    expected = {world.reports[k].pk for k in KINDS if EXPECTED[k]["moderate", role] == "ok"}
    mine = Report.objects.filter(pk__in=[r.pk for r in world.reports.values()])
    assert set(access.visible(actor, mine).values_list("pk", flat=True)) == expected
    if role != "anonymous":
        assert space_selectors.pending_for(actor=actor).moderation == len(expected)


def _report_url(kind: str, target: Any) -> str:
    if kind == "person":
        return reverse("moderation:report-person", kwargs={"handle": target.handle})
    if kind == "comment":
        return reverse("moderation:report-comment", kwargs={"comment_id": target.pk})
    return reverse("moderation:report-post", kwargs={"post_id": target.pk})


@pytest.mark.parametrize(("role", "kind"), CELLS)
def test_http(world: World, module_client: Client, db: None, role: str, kind: str) -> None:
    actor, target, report = world.users[role], world.targets[kind], world.reports[kind]
    if role != "anonymous":
        module_client.force_login(actor)
    else:
        module_client.logout()
    report_answer, moderate_answer = EXPECTED[kind]["report", role], EXPECTED[kind]["moderate", role]
    page = module_client.get(_report_url(kind, target))
    decide = module_client.post(
        reverse("moderation:report-decide", kwargs={"report_id": report.pk}), {"decision": "dismissed"}
    )
    body: dict[str, Any] = {"account_id": str(world.users["author"].pk)}
    if kind != "person":
        body["status_ids"] = [str(target.pk)]
    api = module_client.post("/api/v1/reports", body, content_type="application/json")
    if role == "anonymous":
        assert page.status_code == decide.status_code == 302
        assert api.status_code == 401
        return
    assert page.status_code == (200 if report_answer == "ok" else int(report_answer))
    assert api.status_code == (200 if report_answer == "ok" else int(report_answer))
    queue_answer = NETWORK_EXPECTED["queue", role]
    decided = moderate_answer if queue_answer == "ok" else queue_answer  # the queue's right is asked first
    assert decide.status_code == (302 if decided == "ok" else int(decided))
    assert Report.objects.get(pk=report.pk).is_open is (decided != "ok")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_the_queue_lists_exactly_the_reports_one_decides(
    world: World, module_client: Client, db: None, role: str
) -> None:
    module_client.force_login(world.users[role])
    response = module_client.get(reverse("moderation:queue"))
    if NETWORK_EXPECTED["queue", role] != "ok":
        assert response.status_code == 403
        return
    html = response.content.decode()
    for kind in KINDS:
        listed = reverse("moderation:report-decide", kwargs={"report_id": world.reports[kind].pk}) in html
        assert listed is (EXPECTED[kind]["moderate", role] == "ok"), kind
