"""The people permission matrix: what a reader sees of a profile's manager and of the company's structure.

A profile's manager is a person like any other: the reader sees them only where ``access`` lets them see
that person (guests: their co-members; employees: active people; network administrators: everyone), on
every surface that names a manager. The company's structure (the lists of departments and sites) is
for employees: guests get none of it. Each table is stated once below and checked against ``access``
and against every HTTP surface that could show it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.urls import reverse

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.spaces.models import Membership
from tests.access.conftest import read_table, sign_in_as, world_for_module
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory
from tests.people.factories import DepartmentFactory, SiteFactory
from tests.spaces.factories import SpaceFactory

READERS = ["anonymous", "guest_member", "guest_outsider", "employee", "self", "network_admin"]

# Whose manager: one subject (an active employee, member of the guest's space) per kind of manager.
# "ok" = the manager is named; "hidden" = the page answers but names nobody; 404 = the profile itself is
# not visible (anonymous readers are sent to sign in first).
MANAGER_TABLE = """
                 co_member outsider deactivated
    anonymous       404      404      404
    guest_member    ok       hidden   hidden
    guest_outsider  404      404      404
    employee        ok       ok       hidden
    self            ok       ok       hidden
    network_admin   ok       ok       ok
"""
MANAGER_KINDS = ["co_member", "outsider", "deactivated"]


def _parse(table: str, columns: list[str]) -> dict[tuple[str, str], str]:
    assert table.strip().splitlines()[0].split() == columns
    cells = read_table(table, columns, header=True)
    assert {reader for reader, _ in cells} == set(READERS)
    return cells


MANAGER = _parse(MANAGER_TABLE, MANAGER_KINDS)


@dataclass
class World:
    readers: dict[str, Any]  # "self" is a subject: filled per manager kind
    subjects: dict[str, User]
    managers: dict[str, User]


def _build() -> World:
    space = SpaceFactory(visibility="private")
    guest = GuestFactory()
    co_member = UserFactory(first_name="Mireille", last_name="Comembre", handle="mireille.comembre")
    outsider = UserFactory(first_name="Octave", last_name="Dehors", handle="octave.dehors")
    deactivated = UserFactory(first_name="Didier", last_name="Parti", handle="didier.parti", is_active=False)
    managers = {"co_member": co_member, "outsider": outsider, "deactivated": deactivated}
    subjects = {kind: UserFactory(handle=f"subject.{kind.replace('_', '-')}") for kind in MANAGER_KINDS}
    for kind, subject in subjects.items():
        subject.profile.manager = managers[kind]
        subject.profile.save()
    Membership.objects.bulk_create(
        Membership(space=space, user=user) for user in [guest, co_member, deactivated, *subjects.values()]
    )
    readers: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "guest_member": guest,
        "guest_outsider": GuestFactory(),
        "employee": UserFactory(),
        "network_admin": AdminFactory(),
    }
    return World(readers=readers, subjects=subjects, managers=managers)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    yield from world_for_module(django_db_blocker, _build)


def _reader(world: World, reader: str, kind: str) -> Any:
    return world.subjects[kind] if reader == "self" else world.readers[reader]


MANAGER_CELLS = [pytest.param(reader, kind, id=f"{kind}-{reader}") for kind in MANAGER_KINDS for reader in READERS]


@pytest.mark.parametrize(("reader", "kind"), MANAGER_CELLS)
def test_manager_policy(world: World, db: None, reader: str, kind: str) -> None:
    """The table is the policy's own answer: the manager is named where the reader may see them."""
    actor, subject, manager = _reader(world, reader, kind), world.subjects[kind], world.managers[kind]
    answer = MANAGER[reader, kind]
    assert access.can(actor, Action.VIEW, subject) is (answer != "404")
    if answer != "404":
        assert access.can(actor, Action.VIEW, manager) is (answer == "ok")


MANAGER_SURFACES = {
    "profile-page": "people:profile",
    "org-chart": "people:org-chart",
}


@pytest.mark.parametrize("surface", MANAGER_SURFACES)
@pytest.mark.parametrize(("reader", "kind"), MANAGER_CELLS)
def test_manager_on_pages(  # noqa: PLR0917 - parametrized cells
    world: World, module_client: Client, db: None, reader: str, kind: str, surface: str
) -> None:
    actor, subject, manager = _reader(world, reader, kind), world.subjects[kind], world.managers[kind]
    sign_in_as(module_client, actor)
    response = module_client.get(reverse(MANAGER_SURFACES[surface], kwargs={"handle": subject.handle}))
    answer = MANAGER[reader, kind]
    if reader == "anonymous":
        assert response.status_code == 302
        return
    if answer == "404":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    page = response.content.decode()
    named = manager.last_name in page or manager.handle in page
    assert named is (answer == "ok")


@pytest.mark.parametrize("kind", MANAGER_KINDS)
@pytest.mark.parametrize("reader", ["self", "network_admin"])
def test_manager_in_the_profile_form(world: World, module_client: Client, db: None, reader: str, kind: str) -> None:
    """Whoever edits the profile sees its manager only if they may see that person and the people picker
    offers them (active people only); saving the form without touching the field keeps any other."""
    actor, subject, manager = _reader(world, reader, kind), world.subjects[kind], world.managers[kind]
    sign_in_as(module_client, actor)
    url = reverse("people:profile-edit", kwargs={"handle": subject.handle})
    form = module_client.get(url)
    assert form.status_code == 200
    assert (manager.handle in form.content.decode()) is (MANAGER[reader, kind] == "ok" and manager.is_active)
    with transaction.atomic():
        saved = module_client.post(url, _form_data(form.context["form"]))
        assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved.status_code
        subject.profile.refresh_from_db()
        assert subject.profile.manager_id == manager.pk
        transaction.set_rollback(True)


def _form_data(form: Any) -> dict[str, str]:
    """What a browser sends back for an untouched form."""
    data: dict[str, str] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, User):  # as the people picker sends a chosen person
            data[name] = f"@{value.handle}"
        elif value not in (None, "", False):
            data[name] = str(value)
    return data


def test_the_api_never_names_a_manager(world: World, module_client: Client, db: None) -> None:
    """Mastodon's account and Essaim's fields carry no manager: nothing to leak there."""
    sign_in_as(module_client, world.readers["guest_member"])
    for subject in world.subjects.values():
        account = module_client.get(f"/api/v1/accounts/{subject.pk}").content.decode()
        assert not any(m.handle in account or m.last_name in account for m in world.managers.values())


# --- The company's structure: lists of departments and sites -----------------------------------------

STRUCTURE_READERS = ["guest", "employee", "network_admin"]
# "shown" = the surface lists every department and site; "none" = it lists none; 403 = refused.
STRUCTURE_TABLE = """
                      guest  employee network_admin
    profile-form      none   shown    shown
    directory         403    shown    shown
    directory-api     403    shown    shown
"""
STRUCTURE_SURFACES = {
    "profile-form": "people:me-edit",
    "directory": "people:directory",
    "directory-api": "api-json:essaim-people",
}


def _structure() -> dict[tuple[str, str], str]:
    lines = STRUCTURE_TABLE.strip().splitlines()
    assert lines[0].split() == STRUCTURE_READERS
    cells: dict[tuple[str, str], str] = {}
    for line in lines[1:]:
        surface, *answers = line.split()
        cells.update({(surface, reader): a for reader, a in zip(STRUCTURE_READERS, answers, strict=True)})
    assert {surface for surface, _ in cells} == set(STRUCTURE_SURFACES)
    return cells


STRUCTURE = _structure()


def test_structure_policy(db: None) -> None:
    readers = {"guest": GuestFactory(), "employee": UserFactory(), "network_admin": AdminFactory()}
    for reader, actor in readers.items():
        assert access.can(actor, Action.VIEW_ORG_STRUCTURE) is (STRUCTURE["profile-form", reader] == "shown")
    assert not access.can(AnonymousUser(), Action.VIEW_ORG_STRUCTURE)


@pytest.mark.parametrize("surface", STRUCTURE_SURFACES)
@pytest.mark.parametrize("reader", STRUCTURE_READERS)
def test_structure_on_surfaces(client: Client, db: None, reader: str, surface: str) -> None:
    departments = [DepartmentFactory(name="Recherche secrète"), DepartmentFactory(name="Fusions")]
    sites = [SiteFactory(name="Usine de Brest"), SiteFactory(name="Siège")]
    actor = {"guest": GuestFactory, "employee": UserFactory, "network_admin": AdminFactory}[reader]()
    client.force_login(actor)
    response = client.get(reverse(STRUCTURE_SURFACES[surface]), follow=True)
    answer = STRUCTURE[surface, reader]
    if answer == "403":
        assert response.status_code == 403
        return
    assert response.status_code == 200
    page = response.content.decode()
    names = [d.name for d in departments] + [s.name for s in sites]
    if surface == "directory-api":  # lists people, not departments: each row names its own
        return
    listed = [name for name in names if name in page]
    assert listed == (names if answer == "shown" else [])
