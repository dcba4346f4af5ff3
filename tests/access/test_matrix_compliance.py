"""The compliance permission matrix: retention policies, legal holds, compliance exports (issue 21 item 6).

Network administrators set retention; they and compliance officers place and release legal holds; compliance
officers ask for exports and download their own, nobody else's. Asked first, as on every /manage/ page:
anonymous visitors are sent to sign in, everyone else without the right gets 403 before anything is read.
A compliance officer reads a secret space's posts through an export only: its pages answer them 404.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from essaim import access
from essaim.access import Action
from essaim.compliance import services
from essaim.compliance.models import ComplianceExport, LegalHold, RetentionPolicy
from essaim.spaces.models import Space
from essaim.stream import services as stream
from tests.access.conftest import NETWORK_ROLES, assert_answer, network_actor, read_table
from tests.accounts.factories import AdminFactory, UserFactory
from tests.spaces.factories import SpaceFactory, member

ROLES = NETWORK_ROLES
#   anonymous guest employee communication compliance network_admin
TABLE = """
    manage_retention     403   403 403 403 403 ok
    set_legal_hold       403   403 403 403 ok  ok
    export_compliance    403   403 403 403 ok  403
    retention_page       login 403 403 403 403 ok
    retention_post       login 403 403 403 403 ok
    holds_page           login 403 403 403 ok  ok
    holds_post           login 403 403 403 ok  ok
    hold_release         login 403 403 403 ok  ok
    exports_page         login 403 403 403 ok  403
    exports_post         login 403 403 403 ok  403
"""
EXPECTED = read_table(TABLE, ROLES)
ACTIONS = {
    "manage_retention": Action.MANAGE_RETENTION,
    "set_legal_hold": Action.SET_LEGAL_HOLD,
    "export_compliance": Action.EXPORT_COMPLIANCE,
}
PAGES = ["retention_page", "retention_post", "holds_page", "holds_post", "hold_release", "exports_page", "exports_post"]


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_the_actions(db: None, role: str, action: str) -> None:
    assert access.can(network_actor(role), ACTIONS[action]) is (EXPECTED[action, role] == "ok")


def _request(client: Client, surface: str, space: Space) -> object:
    person = UserFactory(handle="cible.enquete")
    hold = LegalHold.objects.create(space=SpaceFactory(), reason="Affaire", placed_by=AdminFactory())
    match surface:
        case "retention_page":
            return client.get(reverse("compliance:retention"))
        case "retention_post":
            return client.post(reverse("compliance:retention"), {"space": "", "mode": "delete", "days": "365"})
        case "holds_page":
            return client.get(reverse("compliance:holds"))
        case "holds_post":
            return client.post(reverse("compliance:holds"), {"person": "@cible.enquete", "reason": "Affaire 2026-14"})
        case "hold_release":
            return client.post(reverse("compliance:hold-release", kwargs={"hold_id": hold.pk}))
        case "exports_page":
            return client.get(reverse("compliance:exports"))
        case _:
            assert person
            return client.post(
                reverse("compliance:exports"), {"space": space.pk, "since": "2026-01-01", "until": "2026-12-31"}
            )


@pytest.mark.parametrize("surface", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_the_pages(client: Client, db: None, role: str, surface: str) -> None:
    space = SpaceFactory(name="Projet Orion", visibility=Space.Visibility.SECRET)
    actor = network_actor(role)
    if role != "anonymous":
        client.force_login(actor)
    response = _request(client, surface, space)
    answer = EXPECTED[surface, role]
    assert_answer(response, answer)
    written = {
        "retention_post": RetentionPolicy.objects.exists(),
        "holds_post": LegalHold.objects.filter(user__handle="cible.enquete").exists(),
        "hold_release": LegalHold.objects.filter(released_at__isnull=False).exists(),
        "exports_post": ComplianceExport.objects.exists(),
    }
    if surface in written:
        assert written[surface] is (answer == "ok"), "only an allowed request writes"


@pytest.mark.parametrize("role", ROLES)
def test_an_export_is_downloaded_by_the_officer_who_asked_and_nobody_else(client: Client, db: None, role: str) -> None:
    space = SpaceFactory(visibility=Space.Visibility.SECRET)
    officer = UserFactory(is_compliance_officer=True)
    export = services.compliance_export_request(
        actor=officer, space=space, since=date(2026, 1, 1), until=date(2026, 12, 31)
    )
    services.compliance_export_build.call(export.pk)
    url = reverse("compliance:export-download", kwargs={"export_id": export.pk})
    actor = network_actor(role)
    if role != "anonymous":
        client.force_login(actor)
    assert_answer(client.get(url), "login" if role == "anonymous" else 404)
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"


def test_a_compliance_officer_does_not_browse_a_secret_space_they_are_not_in(client: Client, db: None) -> None:
    space = SpaceFactory(slug="projet-orion", visibility=Space.Visibility.SECRET)
    writer = member(space).user
    post = stream.post_create(actor=writer, body="Orion, confidentiel", space=space)
    officer = UserFactory(is_compliance_officer=True)
    client.force_login(officer)
    assert client.get(reverse("spaces:space-detail", kwargs={"slug": space.slug})).status_code == 404
    assert client.get(post.get_absolute_url()).status_code == 404
    assert client.get("/api/v1/statuses/" + str(post.pk)).status_code == 404
    assert not access.visible(officer, Space.objects.filter(pk=space.pk)).exists()
