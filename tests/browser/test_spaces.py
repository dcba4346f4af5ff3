"""Issue #4 in a real browser: a private space opened to a colleague and an external guest, and a private
space joined on request."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail

from essaim.accounts.models import User
from essaim.spaces.models import Space
from essaim.spaces.services.spaces import space_create
from essaim.stream.services import post_create
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import (
    PHONE,
    axe_violations,
    describe,
    horizontal_overflow,
    looks_right_on_desktop_and_phone,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUEST_EMAIL = "gaspard@partner.example"
GUEST_PASSWORD = "Fjord-quartz-lanterne-2026"
GUEST_POST = "Bonjour à tous, voici le planning du prestataire pour Atlas."


def _invitation_path() -> str:
    """The path of the sign-up link in the last e-mail sent (the token exists only there)."""
    body = str(mail.outbox[-1].body)
    found = re.search(r"https?://\S+/accounts/invitation/[\w-]+/", body)
    assert found, body
    return urlsplit(found.group()).path


def _status(page: Any, path: str) -> int:
    response = page.goto(path)
    assert response is not None
    status: int = response.status
    return status


def _publish(page: Any, body: str) -> None:
    """Type in the space's composer and publish with the mouse, as people do."""
    composer = page.locator("form[data-composer]")
    composer.locator("textarea[name=body]").fill(body)
    with page.expect_navigation():
        composer.locator("button[type=submit]").click()


def _admin_creates_a_private_space_and_invites(admin: Any) -> None:
    admin.goto("/spaces/new/")
    admin.locator("input[name=name]").fill("Projet Atlas")
    admin.locator("input[name=description]").fill("Le lancement d'Atlas avec notre prestataire.")
    admin.locator("input[name=visibility][value=private]").check()
    admin.locator("main form button[type=submit]").click()
    admin.wait_for_url("**/spaces/projet-atlas/")
    assert admin.locator(".space-header h1").inner_text() == "Projet Atlas"

    admin.locator("nav.tabs a[href$='/invitations/']").click()
    admin.wait_for_url("**/spaces/projet-atlas/invitations/")
    for who, shown in (("@eloise.dupre", "Éloïse Dupré"), (GUEST_EMAIL, GUEST_EMAIL)):
        admin.locator("input[name=who]").fill(who)
        admin.locator("main form.card button[type=submit]").click()
        admin.locator("ul.people-list li.row", has_text=shown).wait_for()
    waiting = admin.locator("ul.people-list li.row")
    assert waiting.count() == 2
    assert waiting.filter(has_text="Éloïse Dupré").locator(".badge--external").count() == 0
    assert waiting.filter(has_text=GUEST_EMAIL).locator(".badge--external").is_visible()
    assert describe(axe_violations(admin)) == ""
    assert mail.outbox[-1].to == [GUEST_EMAIL]


def _guest_signs_up_from_the_email_and_joins(guest: Any) -> None:
    guest.goto(_invitation_path())
    guest.locator("input[name=first_name]").fill("Gaspard")
    guest.locator("input[name=last_name]").fill("Extern")
    guest.locator("input[name=password1]").fill(GUEST_PASSWORD)
    guest.locator("input[name=password2]").fill(GUEST_PASSWORD)
    guest.locator("main form button[type=submit]").click()
    guest.wait_for_url(lambda url: "/accounts/invitation/" not in url)
    assert guest.locator("details.usermenu").is_visible()  # signed in

    guest.goto("/spaces/invitations/")
    invitation = guest.locator("li.space-row", has_text="Projet Atlas")
    assert describe(axe_violations(guest)) == ""
    invitation.locator("form[action$='/accept/'] button").click()
    guest.wait_for_url("**/spaces/projet-atlas/")
    assert guest.locator(".space-guests").is_visible()  # the warning banner: external guests are members
    me = guest.locator("aside .people-list li.person", has_text="Gaspard Extern")
    assert me.locator(".badge--external").is_visible()


def _guest_sees_only_the_space(guest: Any, elsewhere: Space) -> None:
    guest.goto("/spaces/")
    assert guest.locator("#space-results li.space-row a.person__name").all_inner_texts() == ["Projet Atlas"]
    assert _status(guest, "/company/") == 403
    assert _status(guest, "/people/") == 403
    assert _status(guest, elsewhere.get_absolute_url()) == 404
    guest.goto("/@gaspard.extern")
    assert guest.locator("h1#profile-name .badge--external").is_visible()


def _the_guests_post_is_marked_external(page: Any) -> None:
    post = page.locator("#space-stream article.post", has_text="planning du prestataire")
    assert post.locator(".person__name").inner_text() == "Gaspard Extern"
    assert post.locator(".badge--external").is_visible()


def test_an_admin_opens_a_private_space_to_a_colleague_and_an_external_guest(
    open_page: Callable[..., Any], network_admin: User, colleague: User, employee: User
) -> None:
    cafe = space_create(actor=employee, name="Café", visibility=Space.Visibility.PUBLIC)
    admin = open_page()
    sign_in(admin, network_admin.email, PASSWORD)
    _admin_creates_a_private_space_and_invites(admin)

    guest = open_page()
    _guest_signs_up_from_the_email_and_joins(guest)
    _publish(guest, GUEST_POST)
    _the_guests_post_is_marked_external(guest)
    screenshot(guest, "space-guest-desktop")
    _guest_sees_only_the_space(guest, elsewhere=cafe)

    reader = open_page()
    sign_in(reader, colleague.email, PASSWORD)
    reader.goto("/spaces/invitations/")
    reader.locator("li.space-row", has_text="Projet Atlas").locator("form[action$='/accept/'] button").click()
    reader.wait_for_url("**/spaces/projet-atlas/")
    assert reader.locator(".space-guests").is_visible()
    _the_guests_post_is_marked_external(reader)
    screenshot(reader, "space-member-desktop")
    assert describe(axe_violations(reader)) == ""

    phone = open_page(viewport=PHONE, storage_state=reader.context.storage_state())
    phone.goto("/spaces/projet-atlas/")
    _the_guests_post_is_marked_external(phone)
    screenshot(phone, "space-member-phone")
    assert horizontal_overflow(phone) == 0


def test_a_colleague_asks_to_join_a_private_space_and_its_owner_approves(
    open_page: Callable[..., Any], employee: User, colleague: User
) -> None:
    committee = space_create(actor=employee, name="Comité social", visibility=Space.Visibility.PRIVATE)
    post_create(actor=employee, body="Le pique-nique de juin aura lieu au parc.", space=committee)

    asker = open_page()
    sign_in(asker, colleague.email, PASSWORD)
    asker.goto(committee.get_absolute_url())
    assert asker.locator("#space-stream article.post").count() == 0  # private: members only
    asker.locator(".space-header a[href$='/request/']").click()
    asker.locator("textarea[name=message]").fill("J'aimerais aider à organiser le pique-nique.")
    asker.locator("main form button[type=submit]").click()
    asker.wait_for_url(f"**{committee.get_absolute_url()}")
    assert asker.locator(".space-header .badge", has_text=re.compile("Request sent|Demande envoyée")).is_visible()

    owner = open_page()
    sign_in(owner, employee.email, PASSWORD)
    owner.goto(committee.get_absolute_url())
    owner.locator("nav.tabs a[href$='/requests/']").click()
    request = owner.locator("ul.people-list li", has_text="Éloïse Dupré")
    assert request.locator("blockquote").inner_text() == "J'aimerais aider à organiser le pique-nique."
    request.locator("form[action$='/approve/'] button:not([formaction])").click()
    owner.wait_for_url("**/requests/")
    assert owner.locator("ul.people-list li", has_text="Éloïse Dupré").count() == 0

    asker.reload()
    assert asker.locator("#space-stream article.post", has_text="pique-nique de juin").is_visible()
    assert asker.locator(".space-header form[action$='/leave/']").is_visible()  # now a member


def test_publishing_with_the_mouse_right_after_typing(page: Any, employee: User) -> None:
    space = space_create(actor=employee, name="Atelier", visibility=Space.Visibility.PRIVATE)
    sign_in(page, employee.email, PASSWORD)
    page.goto(space.get_absolute_url())
    composer = page.locator("form[data-composer]")
    composer.locator("textarea[name=body]").fill("Premier message de l'atelier.")
    composer.locator("button[type=submit]").click()
    page.locator("#space-stream article.post", has_text="Premier message").wait_for(timeout=1_500)


def test_the_directory_search_shows_each_reader_their_rows_and_joins_from_a_cached_row(
    open_page: Callable[..., Any], employee: User, colleague: User
) -> None:
    # Rows are cached fragments shared between readers: the first reader renders them, the second
    # gets its own buttons and a working CSRF token in the join form.
    space_create(actor=employee, name="Atelier vélo", visibility=Space.Visibility.PUBLIC)
    space_create(actor=employee, name="Vélo club du siège", visibility=Space.Visibility.PRIVATE)
    space_create(actor=employee, name="Cuisine", visibility=Space.Visibility.PUBLIC)
    owner = open_page()
    sign_in(owner, employee.email, PASSWORD)
    owner.goto("/spaces/?q=velo")
    assert owner.locator("li.space-row").count() == 2
    assert owner.locator("li.space-row form[action$='/join/']").count() == 0  # they own both

    reader = open_page()
    sign_in(reader, colleague.email, PASSWORD)
    reader.goto("/spaces/?q=velo")
    rows = reader.locator("li.space-row")
    assert rows.count() == 2
    assert reader.locator("#topbar-q").input_value() == ""  # a space search is not a people search
    assert reader.locator("#spaces-q").input_value() == "velo"
    screenshot(reader, "spaces-directory-desktop")
    assert rows.filter(has_text="Vélo club du siège").locator("a[href$='/request/']").is_visible()
    rows.filter(has_text="Atelier vélo").locator("form[action$='/join/'] button").click()
    reader.wait_for_url("**/spaces/atelier-velo/")
    assert reader.locator(".space-header form[action$='/leave/']").is_visible()


PAGE_WORDS = {
    "fr": {"posts": "Publications", "requests": "Demandes", "leave": "Quitter l’espace",
           "sole": "Vous êtes l’unique propriétaire", "waiting": "En attente de votre part",
           "menu": "(1 demande à traiter, 1 invitation pour vous)", "accept": "Accepter l’invitation"},
    "en": {"posts": "Posts", "requests": "Requests", "leave": "Leave the space",
           "sole": "You are the only owner", "waiting": "Waiting for you",
           "menu": "(1 request to answer, 1 invitation for you)", "accept": "Accept the invitation"},
}  # fmt: skip


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_space_page_names_its_stream_and_counts_what_waits(
    open_page: Callable[..., Any], employee: User, colleague: User, language: str
) -> None:
    """Issue 17, item 8: the stream tab says « Publications », a sole owner is told why they cannot leave,
    and the requests tab and the spaces menu count what waits, on desktop and phone."""
    from essaim.spaces.models import JoinRequest, SpaceInvitation

    words = PAGE_WORDS[language]
    committee = space_create(actor=employee, name="Comité social", visibility=Space.Visibility.PRIVATE)
    post_create(actor=employee, body="Le pique-nique de juin aura lieu au parc.", space=committee)
    JoinRequest.objects.create(space=committee, user=colleague, message="Je peux aider.")
    other = space_create(actor=colleague, name="Atelier vélo", visibility=Space.Visibility.PRIVATE)
    SpaceInvitation.objects.create(space=other, user=employee, invited_by=colleague)
    employee.language = language
    employee.save(update_fields=["language"])

    owner = open_page()
    sign_in(owner, employee.email, PASSWORD)
    owner.goto(committee.get_absolute_url())
    tabs = owner.locator("nav.tabs")
    assert tabs.locator("a[aria-current=page]").inner_text() == words["posts"]
    assert tabs.locator("a[href$='/requests/'] .count").inner_text() == "1"
    header = owner.locator(".space-header")
    assert header.locator("form[action$='/leave/']").count() == 0
    assert words["sole"] in header.locator(".space-header__note").inner_text()
    menu = owner.locator("nav.sidenav a[href='/spaces/']")
    assert menu.locator(".navlink__count").inner_text() == "2"
    assert words["menu"] in menu.inner_text() or words["menu"] in menu.text_content()
    phone = looks_right_on_desktop_and_phone(open_page, owner, f"space-page-owner-{language}")
    assert phone.locator("nav.bottomnav a[href='/spaces/'] .navlink__count").is_visible()

    owner.goto("/spaces/")
    waiting = owner.locator("section[aria-labelledby=waiting-title]")
    assert waiting.locator("h2").inner_text() == words["waiting"]
    invited = owner.locator("li.space-row", has_text="Atelier vélo")
    assert invited.locator("form[action$='/accept/'] button").inner_text().strip() == words["accept"]
    assert invited.locator("a[href$='/request/']").count() == 0
    looks_right_on_desktop_and_phone(open_page, owner, f"space-directory-waiting-{language}")
    waiting.locator("a[href$='/requests/']").click()
    owner.wait_for_url("**/requests/")
    owner.locator("ul.people-list li", has_text="Éloïse Dupré").locator(
        "form[action$='/approve/'] button:not([formaction])"
    ).click()
    owner.wait_for_url("**/requests/")
    assert owner.locator("nav.tabs a[href$='/requests/'] .count").count() == 0
    assert owner.locator("nav.sidenav a[href='/spaces/'] .navlink__count").inner_text() == "1"

    member = open_page()
    sign_in(member, colleague.email, PASSWORD)
    member.goto(committee.get_absolute_url())
    leave = member.locator(".space-header form[action$='/leave/'] button")
    assert leave.inner_text().strip() == PAGE_WORDS["fr"]["leave"]  # the colleague reads French
    assert "button--secondary" not in (leave.get_attribute("class") or "")
    looks_right_on_desktop_and_phone(open_page, member, f"space-page-member-{language}")
