"""The audit log's permission matrix: who reads and exports the log of privileged actions.

Network administrators and compliance officers (who read it instead of browsing the spaces), asked first as on
every /manage/ page: anonymous visitors are sent to sign in, everyone else gets 403 before anything is read.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from essaim import access
from essaim.access import Action
from essaim.audit.models import AuditAction, AuditEntry
from essaim.audit.services import record
from tests.access.conftest import NETWORK_ROLES, assert_answer, network_actor, read_table

ROLES = NETWORK_ROLES
# "ok" = allowed, 403 = refused, "login" = sent to the sign-in page. Columns follow ROLES.
TABLE = """
    view_audit_log 403   403 403 403 ok ok
    list_page      login 403 403 403 ok ok
    export_csv     login 403 403 403 ok ok
    export_json    login 403 403 403 ok ok
"""
EXPECTED = read_table(TABLE, ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_the_action(db: None, role: str) -> None:
    assert access.can(network_actor(role), Action.VIEW_AUDIT_LOG) is (EXPECTED["view_audit_log", role] == "ok")


@pytest.mark.parametrize("surface", ["list_page", "export_csv", "export_json"])
@pytest.mark.parametrize("role", ROLES)
def test_the_pages(client: Client, db: None, role: str, surface: str) -> None:
    record(AuditAction.NETWORK_RENAMED, actor=None, label="Réseau secret", name="Projet Orion")
    actor = network_actor(role)
    if role != "anonymous":
        client.force_login(actor)
    if surface == "list_page":
        response = client.get(reverse("audit:list"))
    else:
        response = client.post(reverse("audit:export", kwargs={"fmt": surface.removeprefix("export_")}))
    answer = EXPECTED[surface, role]
    assert_answer(response, answer)
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    assert (b"Projet Orion" in body) is (answer == "ok")
    exports = AuditEntry.objects.filter(action=AuditAction.AUDIT_EXPORTED).count()
    assert exports == (1 if answer == "ok" and surface != "list_page" else 0)
