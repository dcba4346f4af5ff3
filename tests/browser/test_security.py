"""Issue 17, points 13 and 16 in a real browser: a guest's profile form shows nothing of the company's
structure, and a profile names no manager its reader may not see. Looked at on a desktop and a phone, in
French and English, with axe-core and without sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.spaces.models import Membership, Space
from tests.accounts.factories import PASSWORD, GuestFactory, UserFactory
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    looks_right,
    sign_in,
)
from tests.people.factories import DepartmentFactory, SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"fr": ("Service", "Responsable"), "en": ("Department", "Manager")}


def _speaks(user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_guests_profile_form_shows_no_department_site_or_manager(
    open_page: Callable[..., Any], language: str
) -> None:
    DepartmentFactory(name="Direction financière")
    SiteFactory(name="Siège de Lyon")
    guest = GuestFactory(first_name="Gaspard", last_name="Extern")
    _speaks(guest, language)
    department, manager = LANGUAGES[language]
    desktop = open_page(viewport=DESKTOP)
    sign_in(desktop, guest.email, PASSWORD)
    phone = open_page(viewport=PHONE, storage_state=desktop.context.storage_state())
    for page, size in ((desktop, "desktop"), (phone, "phone")):
        page.goto("/people/me/edit")
        form = page.locator("main form").first.inner_text()
        assert "Direction financière" not in form
        assert "Siège de Lyon" not in form
        assert department not in form
        assert manager not in form
        assert page.locator("select[name=department], select[name=site], [name=manager]").count() == 0
        assert page.locator("input[name=job_title]").is_visible()  # the rest of the form is there
        looks_right(page, f"security-guest-profile-form-{size}-{language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_profile_names_no_manager_its_reader_may_not_see(open_page: Callable[..., Any], language: str) -> None:
    space = Space.objects.create(name="Projet Atlas", slug="projet-atlas", visibility="private")
    guest, colleague = GuestFactory(first_name="Gaspard", last_name="Extern"), UserFactory()
    _speaks(guest, language)
    _speaks(colleague, language)
    outside = UserFactory(first_name="Octave", last_name="Dehors")
    gone = UserFactory(first_name="Didier", last_name="Parti", is_active=False)
    seen_by_guest = UserFactory(first_name="Lina", last_name="Projet", handle="lina.projet")
    seen_by_guest.profile.manager = outside
    seen_by_guest.profile.job_title = "Cheffe de projet"
    seen_by_guest.profile.save()
    left_behind = UserFactory(first_name="Rémi", last_name="Seul", handle="remi.seul")
    left_behind.profile.manager = gone
    left_behind.profile.save()
    Membership.objects.bulk_create(Membership(space=space, user=u) for u in (guest, seen_by_guest))
    _, manager = LANGUAGES[language]

    for reader, person, hidden, name in (
        (guest, seen_by_guest, outside, "guest"),
        (colleague, left_behind, gone, "employee"),
    ):
        desktop = open_page(viewport=DESKTOP)
        sign_in(desktop, reader.email, PASSWORD)
        phone = open_page(viewport=PHONE, storage_state=desktop.context.storage_state())
        for page, size in ((desktop, "desktop"), (phone, "phone")):
            assert page.goto(f"/@{person.handle}").status == 200
            about = page.locator("main").inner_text()
            assert hidden.last_name not in about
            assert manager not in page.locator("dl.facts").inner_text()
            looks_right(page, f"security-profile-hidden-manager-{name}-{size}-{language}")
