"""What the matrix modules share: a world built once per module, one client, signing in as a reader, reading a table."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.test.client import ClientHandler
from django.urls import reverse


def world_for_module[T](django_db_blocker: Any, build: Callable[[], T]) -> Iterator[T]:
    """``build()``'s objects for a whole module, in a transaction rolled back after its last test.

    A module-scoped fixture yields from it: ``yield from world_for_module(django_db_blocker, _build)``.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def module_client() -> Client:
    """One client (and one middleware chain) for the module: building WhiteNoise's index is slow."""
    client = Client()
    client.handler = ClientHandler(enforce_csrf_checks=False)
    return client


NETWORK_ROLES = ["anonymous", "guest", "employee", "communication", "compliance", "network_admin"]


def network_actor(role: str) -> Any:
    """A new person holding one of ``NETWORK_ROLES`` across the network (the anonymous visitor for "anonymous")."""
    from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory

    return {
        "anonymous": AnonymousUser,
        "guest": GuestFactory,
        "employee": UserFactory,
        "communication": lambda: UserFactory(is_communication_team=True),
        "compliance": lambda: UserFactory(is_compliance_officer=True),
        "network_admin": AdminFactory,
    }[role]()


def sign_in_as(client: Client, actor: Any) -> None:
    """``client`` as ``actor`` from its next request (signed out for an anonymous visitor)."""
    if isinstance(actor, AnonymousUser):
        client.logout()
    else:
        client.force_login(actor)


def read_table(table: str, columns: Sequence[str], *, header: bool = False) -> dict[tuple[str, str], str]:
    """A permission matrix written as text, as ``{(row, column): answer}``: one line per row, its name then
    one answer per column; with ``header``, a first line that names the columns (as many as ``columns``)."""
    lines = table.strip().splitlines()
    if header:
        assert len(lines.pop(0).split()) == len(columns)
    cells: dict[tuple[str, str], str] = {}
    for line in lines:
        row, *answers = line.split()
        assert len(answers) == len(columns), line
        cells.update({(row, column): answer for column, answer in zip(columns, answers, strict=True)})
    return cells


def assert_answer(response: Any, answer: str) -> None:
    """``response`` is what a matrix cell says: "login" (sent to sign in), "ok" (a page or a redirect after a
    form), or a status code."""
    if answer == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif answer == "ok":
        assert response.status_code in {200, 302}
    else:
        assert response.status_code == int(answer)
