"""Issue #17, items 10 and 11, in a real browser: the people page (search, pages, role toggles confirmed in a
dialog), invitations from a CSV file (preview with errors per line, then sending), the theme (light and
dark forced whatever the device), and a newcomer's first steps (ticked from what they did, then hidden).

Each flow runs in French and in English; each page is looked at on a desktop and a phone and checked
with axe-core and for sideways scrolling.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from essaim.accounts.models import Invitation, User
from essaim.spaces.models import Space
from essaim.spaces.services.spaces import space_create
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import (
    axe_violations,
    describe,
    looks_right_on_desktop_and_phone,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["fr", "en"]
WORDS = {
    "fr": {"search": "Rechercher", "grant": "Donner le rôle", "cancel": "Annuler", "sent": "invitations envoyées",
           "check": "Vérifier le fichier", "send": "Envoyer 2 invitations", "hide": "Masquer les premiers pas",
           "join": "Rejoindre", "hidden": "Les premiers pas sont masqués."},
    "en": {"search": "Search", "grant": "Give the role", "cancel": "Cancel", "sent": "invitations sent",
           "check": "Check the file", "send": "Send 2 invitations", "hide": "Hide the first steps",
           "join": "Join", "hidden": "The first steps are hidden."},
}  # fmt: skip


def _signed_in(open_page: Callable[..., Any], user: User, language: str, **options: Any) -> Any:
    user.language = language
    user.save(update_fields=["language"])
    page = open_page(**options)
    sign_in(page, user.email, PASSWORD)
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_admin_finds_people_page_by_page_and_grants_a_role_after_confirming(
    open_page: Callable[..., Any], network_admin: User, colleague: User, language: str
) -> None:
    UserFactory.create_batch(60)
    admin = _signed_in(open_page, network_admin, language)
    admin.goto("/manage/people/")
    assert admin.locator("li.admin-person").count() == 50
    admin.locator("nav.pagination").get_by_role("link", name="Page 2", exact=True).click()
    admin.wait_for_url("**/manage/people/?q=&page=2")
    assert admin.locator("li.admin-person").count() == 62 - 50
    assert admin.locator(".pagination__pages a[aria-current=page]").inner_text() == "2"

    admin.locator("main form[role=search] input[name=q]").fill("@eloise")
    admin.locator("main form[role=search] button[type=submit]").click()
    row = admin.locator("li.admin-person", has_text="Éloïse Dupré")
    row.wait_for()
    assert admin.locator("li.admin-person").count() == 1
    toggle = row.locator("button.role-toggle").first
    assert toggle.get_attribute("aria-pressed") == "false"
    looks_right_on_desktop_and_phone(open_page, admin, f"manage-people-{language}")

    toggle.click()  # a grant asks first, in a dialog
    dialog = admin.locator("dialog#role-confirm")
    dialog.wait_for()
    assert "Éloïse Dupré" in dialog.locator("h2").inner_text()
    screenshot(admin, f"manage-people-confirm-{language}-desktop")
    assert describe(axe_violations(admin)) == ""
    dialog.get_by_role("button", name=WORDS[language]["cancel"]).click()
    assert not dialog.is_visible()
    colleague.refresh_from_db()
    assert not colleague.is_network_admin

    toggle.click()
    with admin.expect_navigation():
        dialog.get_by_role("button", name=WORDS[language]["grant"]).click()
    assert admin.url.endswith("/manage/people/?q=%40eloise")  # back where it was, with its search
    held = admin.locator("li.admin-person", has_text="Éloïse Dupré").locator("button.role-toggle").first
    assert held.get_attribute("aria-pressed") == "true"
    colleague.refresh_from_db()
    assert colleague.is_network_admin
    screenshot(admin, f"manage-people-granted-{language}-desktop")

    with admin.expect_navigation():
        held.click()  # removing asks nothing
    colleague.refresh_from_db()
    assert not colleague.is_network_admin


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_admin_invites_people_from_a_csv_file_after_checking_each_line(
    open_page: Callable[..., Any], network_admin: User, employee: User, tmp_path: Path, language: str
) -> None:
    csv = tmp_path / "equipe.csv"
    csv.write_text(
        "\ufeffe-mail;prénom;nom;langue;type\r\n"
        "ana.lima@example.com;Ana;Lima;fr;\r\n"
        "sam.taylor@partner.example;Sam;Taylor;en;invité\r\n"
        "pas-une-adresse;Pierre;Sans\r\n"
        f"{employee.email};Léa;Martin\r\n"
        "ana.lima@example.com;Ana;Encore\r\n",
        encoding="utf-8",
    )
    admin = _signed_in(open_page, network_admin, language)
    admin.goto("/manage/invitations/")
    admin.locator("a[href='/manage/invitations/import/']").click()
    admin.wait_for_url("**/manage/invitations/import/")
    looks_right_on_desktop_and_phone(open_page, admin, f"manage-import-{language}")

    admin.locator("input[type=file][name=file]").set_input_files(str(csv))
    admin.get_by_role("button", name=WORDS[language]["check"]).click()
    admin.wait_for_url("**/manage/invitations/import/*/")
    wrong = admin.locator("table.import-lines tr.is-wrong")
    assert wrong.count() == 3
    assert "pas-une-adresse" in wrong.nth(0).inner_text()
    assert not Invitation.objects.exists()
    assert not mail.outbox
    looks_right_on_desktop_and_phone(open_page, admin, f"manage-import-preview-{language}")

    admin.get_by_role("button", name=WORDS[language]["send"]).click()
    admin.wait_for_url("**/manage/invitations/")
    assert WORDS[language]["sent"] in admin.locator(".messages").inner_text()
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "ana.lima@example.com",
        "sam.taylor@partner.example",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["ana.lima@example.com", "sam.taylor@partner.example"]
    screenshot(admin, f"manage-import-sent-{language}-desktop")


BACKGROUND = "() => getComputedStyle(document.body).backgroundColor"
LIGHT_BG, DARK_BG = "rgb(245, 246, 248)", "rgb(15, 18, 22)"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_theme_chosen_wins_over_the_device(open_page: Callable[..., Any], employee: User, language: str) -> None:
    page = _signed_in(open_page, employee, language, color_scheme="light")
    page.goto("/accounts/settings/")
    radios = page.locator("input[name=theme]")
    assert radios.count() == 3
    assert page.locator("input[name=theme][value=auto]").is_checked()
    assert "---------" not in page.locator("main").inner_text()
    looks_right_on_desktop_and_phone(open_page, page, f"settings-{language}")

    page.locator("input[name=theme][value=dark]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/settings/")
    assert page.locator("html").get_attribute("data-theme") == "dark"
    assert page.evaluate(BACKGROUND) == DARK_BG  # a light device, a dark page
    page.goto("/")
    screenshot(page, f"theme-forced-dark-{language}-desktop")
    assert describe(axe_violations(page)) == ""

    on_a_dark_device = open_page(storage_state=page.context.storage_state(), color_scheme="dark")
    on_a_dark_device.goto("/accounts/settings/")
    on_a_dark_device.locator("input[name=theme][value=light]").check()
    on_a_dark_device.locator("main form button[type=submit]").click()
    on_a_dark_device.wait_for_url("**/accounts/settings/")
    assert on_a_dark_device.evaluate(BACKGROUND) == LIGHT_BG  # a dark device, a light page
    on_a_dark_device.goto("/")
    screenshot(on_a_dark_device, f"theme-forced-light-{language}-desktop")
    assert describe(axe_violations(on_a_dark_device)) == ""

    on_a_dark_device.goto("/accounts/settings/")
    on_a_dark_device.locator("input[name=theme][value=auto]").check()
    on_a_dark_device.locator("main form button[type=submit]").click()
    on_a_dark_device.wait_for_url("**/accounts/settings/")
    assert on_a_dark_device.locator("html").get_attribute("data-theme") is None
    assert on_a_dark_device.evaluate(BACKGROUND) == DARK_BG  # automatic: the device decides again


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_newcomer_follows_the_first_steps_then_hides_them(
    open_page: Callable[..., Any], employee: User, colleague: User, language: str
) -> None:
    from essaim.accounts.services import user_create

    for name in ("Projet Atlas", "Café du lundi", "Club lecture"):
        space_create(actor=employee, name=name, visibility=Space.Visibility.PUBLIC)
    newcomer = user_create(email="nina@example.com", first_name="Nina", last_name="Nouvelle", password=PASSWORD)
    page = _signed_in(open_page, newcomer, language)
    steps = page.locator("#first-steps")
    steps.wait_for()
    assert steps.locator(".first-steps__step").count() == 5
    assert steps.locator(".first-steps__step.is-done").count() == 0
    assert steps.locator(".first-steps__suggestions li").count() == 3
    looks_right_on_desktop_and_phone(open_page, page, f"first-steps-{language}")

    steps.locator(".first-steps__suggestions li", has_text="Projet Atlas").get_by_role(
        "button", name=WORDS[language]["join"]
    ).click()
    page.wait_for_url("**/spaces/projet-atlas/")
    page.goto("/")
    assert steps.locator(".first-steps__step.is-done").count() == 1
    followed = steps.locator(".first-steps__suggestions li").first  # now: people to follow
    assert followed.locator(".person__name").is_visible()
    screenshot(page, f"first-steps-ticked-{language}-desktop")

    steps.get_by_role("button", name=WORDS[language]["hide"]).click()
    page.get_by_role("status").filter(has_text=WORDS[language]["hidden"]).wait_for()
    assert page.locator("#first-steps").count() == 0
    page.reload()
    assert page.locator("#first-steps").count() == 0
    newcomer.profile.refresh_from_db()
    assert not newcomer.profile.first_steps_open
