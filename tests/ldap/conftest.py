"""A real OpenLDAP server per test (``server.py``: Debian's slapd on loopback, a few hundred people, started
in well under a second) and Essaim's directory settings pointing at it, enabled, as an administrator saved
them in /manage/ldap/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from essaim.ldap import services
from essaim.ldap.models import DEFAULT_ATTRIBUTES, DEFAULT_GROUP_FILTER, LdapDirectory
from tests.accounts.factories import AdminFactory
from tests.ldap.server import GROUPS_BASE, PEOPLE_BASE, SERVICE_DN, SERVICE_PASSWORD, Slapd, serve


@pytest.fixture
def slapd_people() -> int:
    """How many people the directory has: enough for every case (each department has a few); a class that
    tests a whole directory asks for ``server.PEOPLE``."""
    return 40


@pytest.fixture
def slapd(slapd_people: int) -> Iterator[Slapd]:
    yield from serve(people=slapd_people)


def settings_for(server: Slapd, **changes: Any) -> dict[str, Any]:
    return {
        "enabled": True,
        "server_uri": server.uri,
        "start_tls": False,
        "bind_dn": SERVICE_DN,
        "user_base": PEOPLE_BASE,
        "user_filter": "(objectClass=inetOrgPerson)",
        "login_attribute": "mail",
        "group_base": GROUPS_BASE,
        "group_filter": DEFAULT_GROUP_FILTER,
        "attributes": dict(DEFAULT_ATTRIBUTES),
        "sync_every_minutes": 60,
        "deprovision": True,
        **changes,
    }


@pytest.fixture
def directory(db: None, slapd: Slapd) -> LdapDirectory:
    return services.directory_update(
        actor=AdminFactory(), directory=LdapDirectory.get(), password=SERVICE_PASSWORD, **settings_for(slapd)
    )
