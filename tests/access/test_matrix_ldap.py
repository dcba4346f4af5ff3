"""The LDAP directory's permission matrix: only network administrators configure it, test its connection and
sync it (/manage/ldap/, ``Action.MANAGE_SSO`` as single sign-on); the directory's own actor, which the sync
and the sign-in write profiles as, may provision people and nothing else a person may do."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from essaim import access
from essaim.access import Action
from essaim.audit.models import AuditAction, AuditEntry
from essaim.ldap.actors import LdapDirectoryActor
from essaim.ldap.models import LdapDirectory
from tests.access.conftest import NETWORK_ROLES, assert_answer, network_actor, read_table

ROLES = [*NETWORK_ROLES, "ldap_directory"]
# "ok" = allowed, 403 = refused, "login" = sent to the sign-in page. Columns follow ROLES.
ACTIONS = read_table(
    """
    manage_sso         403 403 403 403 403 ok  403
    provision_people   403 403 403 403 403 403 ok
    administer_network 403 403 403 403 403 ok  403
    view_directory     403 403 ok  ok  ok  ok  403
    """,
    ROLES,
)
PAGES = read_table(
    """
    directory_page    login 403 403 403 403 ok
    directory_change  login 403 403 403 403 ok
    directory_test    login 403 403 403 403 ok
    directory_sync    login 403 403 403 403 ok
    """,
    NETWORK_ROLES,
)
# A directory nobody answers at (port 9 on loopback): the pages are checked, not the server.
FORM = {
    "server_uri": "ldap://127.0.0.1:9",
    "user_base": "ou=people,dc=example,dc=com",
    "user_filter": "(objectClass=person)",
    "login_attribute": "mail",
    "group_filter": "(objectClass=groupOfNames)",
    "sync_every_minutes": "60",
    "attr_email": "mail",
}


def _actor(role: str) -> Any:
    if role == "ldap_directory":
        return LdapDirectoryActor(server_uri="ldap://127.0.0.1:9")
    return network_actor(role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["manage_sso", "provision_people", "administer_network", "view_directory"])
def test_the_actions(db: None, role: str, action: str) -> None:
    assert access.can(_actor(role), Action[action.upper()]) is (ACTIONS[action, role] == "ok")


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_and_changes_the_directory(db: None, role: str) -> None:
    directory = LdapDirectory.get()
    actor = _actor(role)
    allowed = role == "network_admin"
    for action in (Action.VIEW, Action.EDIT):
        assert access.can(actor, action, directory) is allowed
    assert access.can(actor, Action.DELETE, directory) is False  # disabled, never deleted
    assert list(access.visible(actor, LdapDirectory.objects.all())) == ([directory] if allowed else [])


@pytest.mark.parametrize("surface", ["directory_page", "directory_change", "directory_test", "directory_sync"])
@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_the_pages(client: Client, db: None, role: str, surface: str) -> None:
    LdapDirectory.objects.update_or_create(pk=1, defaults={"enabled": True, "server_uri": "ldap://127.0.0.1:9"})
    actor = _actor(role)
    if role != "anonymous":
        client.force_login(actor)
    response = {
        "directory_page": lambda: client.get("/manage/ldap/"),
        "directory_change": lambda: client.post("/manage/ldap/", FORM),
        "directory_test": lambda: client.post("/manage/ldap/test/"),
        "directory_sync": lambda: client.post("/manage/ldap/sync/"),
    }[surface]()
    answer = PAGES[surface, role]
    if surface == "directory_test" and answer == "ok":
        assert response.status_code == 200  # a page that says what works, whatever the directory answers
    elif surface == "directory_sync" and answer == "ok":
        assert response.status_code == 302
    else:
        assert_answer(response, answer)
    done = answer == "ok"
    assert (LdapDirectory.get().user_base == FORM["user_base"]) is (surface == "directory_change" and done)
    synced = AuditEntry.objects.filter(action=AuditAction.LDAP_SYNC_REQUESTED).exists()
    assert synced is (surface == "directory_sync" and done)
