"""The network permission matrix: role × action → allowed / 403 / 404 (/ sign-in), stated once below.

Covers the administration's actions (role toggles, invitations from a file) and the newcomer's first
steps, both through the services (which check with ``access`` first) and through their pages. An
invitation file belongs to the administrator who uploaded it: another administrator does not see it.
Pages under /manage/ answer 403 to anyone signed in without the role before looking anything up, as
the administration's other pages do; anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client
from django.urls import reverse

from essaim import access
from essaim.access import Action
from essaim.accounts import services as account_services
from essaim.accounts.models import Invitation, InvitationBatch, User
from essaim.people import services as people_services
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory

ROLES = ["anonymous", "guest", "employee", "communication", "compliance", "network_admin", "other_admin"]
COLUMNS = "anon   guest  empl   comm   compl  netadm other-admin"

# "ok" = allowed, 403 = refused, 404 = not visible (like missing), "login" = sent to sign in, "-" = does not apply.
SERVICES = """
    administer              403 403 403 403 403 ok  ok
    invite                  403 403 403 403 403 ok  ok
    manage_people           403 403 403 403 403 ok  ok
    role_grant              403 403 403 403 403 ok  ok
    role_remove             403 403 403 403 403 ok  ok
    batch_upload            403 403 403 403 403 ok  ok
    batch_send              404 404 404 404 404 ok  404
    first_steps_close_own   -   ok  ok  ok  ok  ok  ok
    first_steps_close_other 404 404 403 403 403 ok  ok
"""
PAGES = """
    people_page             login 403 403 403 403 ok  ok
    role_grant_asks         login 403 403 403 403 ok  ok
    role_grant_confirmed    login 403 403 403 403 ok  ok
    role_remove             login 403 403 403 403 ok  ok
    import_page             login 403 403 403 403 ok  ok
    import_upload           login 403 403 403 403 ok  ok
    import_preview          login 403 403 403 403 ok  404
    import_send             login 403 403 403 403 ok  404
    first_steps_dismiss     login ok  ok  ok  ok  ok  ok
"""


def _table(text: str) -> dict[str, dict[str, str]]:
    rows = {}
    for line in text.strip().splitlines():
        name, *cells = line.split()
        assert len(cells) == len(ROLES), name
        rows[name] = dict(zip(ROLES, cells, strict=True))
    return rows


SERVICE_TABLE = _table(SERVICES)
PAGE_TABLE = _table(PAGES)


@dataclass
class World:
    people: dict[str, Any]
    uploader: User  # the network administrator whose file is asked about
    target: User  # an employee whose roles change
    newcomer: User  # an employee whose first steps are open
    batch: InvitationBatch


@pytest.fixture
def world(db: None) -> World:
    uploader = AdminFactory(first_name="Ada", last_name="Admin")
    people: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "guest": GuestFactory(),
        "employee": UserFactory(),
        "communication": UserFactory(is_communication_team=True),
        "compliance": UserFactory(is_compliance_officer=True),
        "network_admin": uploader,
        "other_admin": AdminFactory(),
    }
    newcomer = UserFactory(first_name="Nina", last_name="Nouvelle")
    newcomer.profile.first_steps_open = True
    newcomer.profile.save()
    batch = account_services.invitation_batch_create(actor=uploader, filename="f.csv", data=b"new@example.com;N;N\n")
    return World(people=people, uploader=uploader, target=UserFactory(), newcomer=newcomer, batch=batch)


def _outcome(call: Callable[[], object]) -> str:
    try:
        call()
    except PermissionDenied:
        return "403"
    except Http404:
        return "404"
    return "ok"


def _service_call(row: str, actor: Any, world: World) -> Callable[[], object]:
    network = {"administer": Action.ADMINISTER_NETWORK, "invite": Action.INVITE_PEOPLE}
    calls: dict[str, Callable[[], object]] = {
        **{name: (lambda a=action: access.require(actor, a)) for name, action in network.items()},
        "manage_people": lambda: access.require(actor, Action.MANAGE_PEOPLE),
        "role_grant": lambda: account_services.user_role_set(
            actor=actor, user=world.target, role="communication_team", enabled=True
        ),
        "role_remove": lambda: account_services.user_role_set(
            actor=actor, user=world.target, role="communication_team", enabled=False
        ),
        "batch_upload": lambda: account_services.invitation_batch_create(actor=actor, filename="g.csv", data=b"a@b.fr"),
        "batch_send": lambda: account_services.invitation_batch_send(actor=actor, batch=world.batch),
        "first_steps_close_own": lambda: people_services.first_steps_close(actor=actor, user=actor),
        "first_steps_close_other": lambda: people_services.first_steps_close(actor=actor, user=world.newcomer),
    }
    return calls[row]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", list(SERVICE_TABLE))
def test_services(world: World, row: str, role: str) -> None:
    expected = SERVICE_TABLE[row][role]
    if expected == "-":
        return
    actor = world.people[role]
    assert _outcome(_service_call(row, actor, world)) == expected, f"{row} as {role}"
    if row == "batch_send" and expected != "ok":
        assert not Invitation.objects.exists()
    if row == "role_grant":
        world.target.refresh_from_db()
        assert world.target.is_communication_team == (expected == "ok")
    if row == "first_steps_close_other":
        world.newcomer.profile.refresh_from_db()
        assert world.newcomer.profile.first_steps_open == (expected != "ok")


def _status(response: Any) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return "login"
    if response.status_code in {403, 404}:
        return str(response.status_code)
    assert response.status_code in {200, 302}, response.status_code
    return "ok"


def _request(row: str, client: Client, world: World) -> Any:
    role_url = reverse("network:person-role", kwargs={"user_id": world.target.pk})
    preview_url = reverse("network:invitation-import-preview", kwargs={"batch_id": world.batch.pk})
    upload = SimpleUploadedFile("h.csv", b"someone@example.com;S;O\n", content_type="text/csv")
    requests: dict[str, Callable[[], Any]] = {
        "people_page": lambda: client.get(reverse("network:people")),
        "role_grant_asks": lambda: client.post(role_url, {"role": "compliance_officer", "enabled": "on"}),
        "role_grant_confirmed": lambda: client.post(
            role_url, {"role": "compliance_officer", "enabled": "on", "confirmed": "on"}
        ),
        "role_remove": lambda: client.post(role_url, {"role": "compliance_officer"}),
        "import_page": lambda: client.get(reverse("network:invitation-import")),
        "import_upload": lambda: client.post(reverse("network:invitation-import"), {"file": upload}),
        "import_preview": lambda: client.get(preview_url),
        "import_send": lambda: client.post(preview_url),
        "first_steps_dismiss": lambda: client.post(reverse("people:first-steps-dismiss")),
    }
    return requests[row]()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", list(PAGE_TABLE))
def test_pages(client: Client, world: World, row: str, role: str) -> None:
    actor = world.people[role]
    if role != "anonymous":
        client.force_login(actor)
    expected = PAGE_TABLE[row][role]
    assert _status(_request(row, client, world)) == expected, f"{row} as {role}"
    world.target.refresh_from_db()
    granted = row == "role_grant_confirmed" and expected == "ok"
    assert world.target.is_compliance_officer == granted, "only a confirmed grant gives the role"
    sent = row == "import_send" and expected == "ok"
    assert Invitation.objects.exists() == sent
    uploaded = row == "import_upload" and expected == "ok"
    assert InvitationBatch.objects.count() == (2 if uploaded else 1)


def test_the_tables_cover_every_column() -> None:
    assert len(COLUMNS.split()) == len(ROLES)
