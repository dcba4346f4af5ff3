"""Issue 21, point 5 in a real browser: a compliance officer opens the audit log from their account menu (no
other administration page is theirs), filters it by actor, and exports it; the page looked at on a desktop and
a phone, in French, with axe-core and without sideways scrolling."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest

from essaim.accounts import services as accounts
from essaim.accounts.models import User
from essaim.network import services as network
from essaim.spaces import services as spaces
from essaim.spaces.models import Membership
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import PHONE, looks_right, sign_in
from tests.spaces.factories import SpaceFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_compliance_officer_reads_filters_and_exports_the_audit_log(
    open_page: Callable[..., Any], network_admin: User
) -> None:
    officer = UserFactory(first_name="Inès", last_name="Garnier", is_compliance_officer=True, language="fr")
    lea = UserFactory(first_name="Léa", last_name="Martin")
    network.network_rename(actor=network_admin, name="Atelier Boréal")
    accounts.user_role_set(actor=network_admin, user=lea, role="communication_team", enabled=True)
    accounts.user_deactivate(actor=network_admin, user=UserFactory(first_name="Hugo", last_name="Roux"))
    space = SpaceFactory(name="Projet Orion")
    owner = member(space, Membership.Role.OWNER, first_name="Chloé", last_name="Petit").user
    spaces.membership_role_change(actor=owner, membership=member(space, first_name="Noé"), role="moderator")

    page = open_page()
    sign_in(page, officer.email, PASSWORD)
    page.goto("/")
    page.locator("summary.usermenu__button, .usermenu summary").first.click()
    page.get_by_role("menuitem", name="Journal d’audit").click()
    page.wait_for_url("**/manage/audit/")
    assert page.get_by_role("heading", name="Journal d’audit").is_visible()
    assert page.get_by_role("cell", name="Compte désactivé").is_visible()
    looks_right(page, "audit-desktop-fr")

    page.get_by_label("Auteur").fill(f"@{owner.handle}")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/manage/audit/?actor=*")
    assert page.get_by_role("cell", name="Rôle d’un membre dans un espace changé").is_visible()
    assert page.get_by_role("cell", name="Compte désactivé").count() == 0
    looks_right(page, "audit-filtered-desktop-fr")

    with page.expect_download() as download:
        page.get_by_role("button", name="Exporter en CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert [row["action"] for row in rows] == ["space.role_changed"]

    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/manage/audit/")
    assert phone.get_by_role("cell", name="Journal d’audit exporté").is_visible()
    looks_right(phone, "audit-phone-fr")
