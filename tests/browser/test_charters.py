"""Issue 21, point 1 in a real browser: an administrator publishes a version of the usage charter that asks
everyone again; an employee, at their next page, is sent to it, accepts it and lands where they were going; a
guest accepts a space's own charter before entering the space. Each page looked at on a desktop and a phone,
in French, with axe-core and without sideways scrolling.

The charter's words are new (their French comes with the catalogue): buttons are found by their form, not
their label, so that the test holds once they are translated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.charters import services
from essaim.charters.demo import BODY_EN, BODY_FR
from essaim.charters.models import Charter
from essaim.spaces.models import Membership
from tests.accounts.factories import PASSWORD, GuestFactory, UserFactory
from tests.browser.conftest import PHONE, looks_right, sign_in
from tests.spaces.factories import MembershipFactory, SpaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ACCEPT = "main form[action='/charter/'] button[type=submit]"


def test_an_employee_accepts_a_new_version_at_their_next_page(
    open_page: Callable[..., Any], network_admin: User
) -> None:
    network_admin.language = "fr"
    network_admin.save(update_fields=["language"])
    first = services.charter_publish(actor=network_admin, body_fr=BODY_FR, body_en=BODY_EN, requires_acceptance=True)
    lea = UserFactory(first_name="Léa", last_name="Martin", language="fr")
    services.charter_accept(actor=lea, charter=first)

    employee = open_page()
    sign_in(employee, lea.email, PASSWORD)
    employee.goto("/spaces/")
    assert employee.url.endswith("/spaces/"), "nothing to accept yet"

    admin = open_page()
    sign_in(admin, network_admin.email, PASSWORD)
    admin.goto("/manage/charter/")
    admin.locator("textarea[name=body_fr]").fill(BODY_FR + "5. **Déconnecter** son poste en partant.\n")
    admin.locator("textarea[name=body_en]").fill(BODY_EN + "5. **Lock** your computer when you leave.\n")
    admin.locator("input[name=requires_acceptance]").check()
    admin.locator("main form button[name=preview]").click()
    admin.locator(".charter--preview").get_by_text("Déconnecter").wait_for()
    looks_right(admin, "charter-manage-preview-desktop-fr")
    admin.locator("main form[action='/manage/charter/'] button[type=submit]:not([name])").click()
    admin.wait_for_url("**/manage/charter/")
    assert Charter.objects.filter(version=2, requires_acceptance=True).exists()
    looks_right(admin, "charter-manage-desktop-fr")

    employee.goto("/spaces/?scope=mine")
    employee.wait_for_url("**/charter/?next=*")
    assert employee.locator(".charter").get_by_text("Déconnecter").is_visible()
    looks_right(employee, "charter-accept-desktop-fr")
    phone = open_page(viewport=PHONE, storage_state=employee.context.storage_state())
    phone.goto("/")
    phone.wait_for_url("**/charter/")
    looks_right(phone, "charter-accept-phone-fr")

    employee.locator(ACCEPT).click()
    employee.wait_for_url("**/spaces/?scope=mine")
    assert employee.locator(".message--success").is_visible()
    looks_right(employee, "charter-accepted-desktop-fr")
    phone.goto("/")
    assert phone.url.endswith("/"), "the acceptance holds on every device"


def test_a_guest_accepts_a_spaces_charter_before_entering(open_page: Callable[..., Any]) -> None:
    space = SpaceFactory(name="Projet Orion", slug="orion", description="Le chantier avec nos partenaires.")
    owner = MembershipFactory(space=space, role=Membership.Role.OWNER).user
    services.charter_publish(
        actor=owner,
        space=space,
        body_fr="Dans cet espace, **rien de confidentiel** : nos partenaires le lisent.\n\n- Pas de prix.",
        body_en="In this space, **nothing confidential**: our partners read it.",
        requires_acceptance=True,
    )
    guest = GuestFactory(first_name="Gaspard", last_name="Extern", language="fr")
    MembershipFactory(space=space, user=guest)

    page = open_page()
    sign_in(page, guest.email, PASSWORD)
    page.goto("/spaces/orion/")
    assert page.locator(".charter").get_by_text("rien de confidentiel").is_visible()
    assert page.locator("#space-stream").count() == 0
    looks_right(page, "charter-space-gate-desktop-fr")
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/spaces/orion/")
    looks_right(phone, "charter-space-gate-phone-fr")

    page.locator("main form[action='/spaces/orion/charter/'] button[type=submit]").click()
    page.wait_for_url("**/spaces/orion/")
    assert page.locator("#space-stream").is_visible()
    looks_right(page, "charter-space-entered-desktop-fr")
