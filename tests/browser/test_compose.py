"""Issue #17 (papercuts in daily use) in a real browser: suggestions while typing as an accessible
combobox (composer, comments, replies; desktop and phone), a refused post that keeps its files, the
people picker (space invitations, a profile's manager), the post page's lightbox, replies and an edit
that adds and removes files. Screenshots in French and English, desktop and phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image

from essaim.accounts.models import User
from essaim.spaces.models import Membership, Space
from essaim.stream import services
from essaim.stream.models import Attachment, Post
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import ARTIFACTS, PHONE, axe_violations, describe, horizontal_overflow, screenshot, sign_in
from tests.stream.factories import image_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTBOX = "#combobox-listbox"


def _photo(path: Path, colour: tuple[int, int, int] = (14, 112, 144)) -> Path:
    image = Image.new("RGB", (320, 200), colour)
    image.paste((242, 193, 78), (120, 60, 200, 140))
    image.save(path, format="PNG")
    return path


def _english(user: User) -> User:
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def _type(field: Any, text: str) -> None:
    field.click()
    field.press_sequentially(text, delay=15)


def _options(page: Any, first_text: str) -> Any:
    """The suggestion list, once it shows an option with ``first_text``."""
    listbox = page.locator(LISTBOX)
    listbox.locator("[role=option]", has_text=first_text).first.wait_for()
    return listbox


def _closed(page: Any) -> None:
    page.locator(LISTBOX).wait_for(state="hidden")


def _viewport_shot(page: Any, name: str) -> None:
    """What the person sees on the screen (not the whole page): where the list is, over what."""
    screenshot(page, name)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None
    return dict(box)


def _assert_combobox(field: Any, *, expanded: bool) -> None:
    assert field.get_attribute("role") == "combobox"
    assert field.get_attribute("aria-autocomplete") == "list"
    assert field.get_attribute("aria-controls") == "combobox-listbox"
    assert field.get_attribute("aria-expanded") == ("true" if expanded else "false")


def _above_the_bottom_bar(page: Any, listbox: Any) -> None:
    """Entirely visible: inside the viewport and never under the phone's bottom bar."""
    bar = _box(page.locator("nav.bottomnav"))
    box = _box(listbox)
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= bar["y"] + 0.5, (box, bar)
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]


def _just_above_the_bottom_bar(page: Any, field: Any) -> None:
    """Scroll so that ``field`` sits right above the bottom bar: no room for the list below it."""
    field.scroll_into_view_if_needed()
    page.evaluate(
        """(el) => window.scrollBy(0, el.getBoundingClientRect().bottom
             - (document.querySelector('nav.bottomnav').getBoundingClientRect().top - 12))""",
        field.element_handle(),
    )


@pytest.fixture
def atlas_post(employee: User, colleague: User) -> Post:
    """A post of Éloïse's with a #lancement tag and a comment of Léa's, for the post page."""
    post = services.post_create(actor=colleague, body="Le #lancement d'Atlas approche : vos idées ?")
    services.comment_create(actor=employee, post=post, body="Je propose une démo le jeudi.")
    for n in range(5):  # a long page: its comment box can sit right above the phone's bottom bar
        services.comment_create(actor=colleague, post=post, body=f"Idée n° {n + 1} : un atelier ouvert à tous.")
    return post


def test_mentions_and_tags_by_keyboard_in_the_composer(
    open_page: Callable[..., Any], employee: User, colleague: User, atlas_post: Post
) -> None:
    UserFactory(first_name="Éloi", last_name="Bernard", handle="eloi.bernard")
    page = open_page()
    sign_in(page, employee.email, PASSWORD)
    text = page.locator("form[data-composer] textarea[name=body]")
    _type(text, "Bonjour @elo")
    listbox = _options(page, "Éloïse Dupré")
    _assert_combobox(text, expanded=True)
    assert listbox.get_attribute("role") == "listbox"
    options = listbox.locator("[role=option]")
    assert options.count() == 2
    first, second = options.nth(0), options.nth(1)
    assert text.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    # At the caret: under the text's first line, from the "@" on.
    area, box = _box(text), _box(listbox)
    assert area["y"] + 16 < box["y"] < area["y"] + area["height"]
    assert area["x"] + 40 < box["x"] < area["x"] + area["width"]
    screenshot(page, "composer-mention-desktop-fr")
    assert describe(axe_violations(page)) == ""

    text.press("ArrowDown")
    assert text.get_attribute("aria-activedescendant") == second.get_attribute("id")
    text.press("ArrowUp")
    expected = first.get_attribute("data-insert")
    text.press("Enter")
    _closed(page)
    _assert_combobox(text, expanded=False)
    assert text.input_value() == f"Bonjour {expected} "

    _type(text, "#lan")
    _options(page, "#lancement")
    text.press("Tab")
    _closed(page)
    assert text.input_value() == f"Bonjour {expected} #lancement "
    assert text.evaluate("el => el === document.activeElement")

    _type(text, "@dup")
    _options(page, "Éloïse Dupré")
    text.press("Escape")
    _closed(page)
    assert text.input_value().endswith("@dup")

    _type(text, "r")  # a click picks too
    _options(page, "Éloïse Dupré").locator("[role=option]", has_text="Éloïse Dupré").click()
    _closed(page)
    assert text.input_value().endswith("@eloise.dupre ")


def test_the_list_stays_above_the_phones_bottom_bar_in_the_composer_and_a_comment(
    open_page: Callable[..., Any], employee: User, colleague: User, atlas_post: Post
) -> None:
    page = open_page(viewport=PHONE)
    sign_in(page, _english(employee).email, PASSWORD)
    text = page.locator("form[data-composer] textarea[name=body]")
    _just_above_the_bottom_bar(page, text)
    _type(text, "Hello @elo")
    listbox = _options(page, "Éloïse Dupré")
    _above_the_bottom_bar(page, listbox)
    screenshot(page, "composer-mention-phone-en")
    text.press("Enter")
    _closed(page)
    assert text.input_value() == "Hello @eloise.dupre "

    page.goto(atlas_post.get_absolute_url())
    comment = page.locator("#comments > form.comment-form textarea[name=body]")
    _just_above_the_bottom_bar(page, comment)
    _type(comment, "Merci @elo")
    listbox = _options(page, "Éloïse Dupré")
    assert listbox.get_attribute("data-placement") == "above"
    _above_the_bottom_bar(page, listbox)
    _assert_combobox(comment, expanded=True)
    _viewport_shot(page, "comment-mention-phone-en")
    comment.press("Enter")
    assert comment.input_value() == "Merci @eloise.dupre "
    assert describe(axe_violations(page)) == ""
    assert horizontal_overflow(page) == 0


def test_reply_under_the_comment_it_answers_with_a_mention(
    open_page: Callable[..., Any], employee: User, colleague: User, atlas_post: Post
) -> None:
    page = open_page()
    sign_in(page, colleague.email, PASSWORD)
    page.goto(atlas_post.get_absolute_url())
    comment = page.locator(".comment", has_text="Je propose une démo")
    comment.locator("details.reply > summary").click()
    reply = comment.locator("details.reply textarea")
    assert reply.is_visible()
    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(page, "post-reply-open-desktop-fr")
    assert _box(reply)["y"] > _box(comment.locator(".comment__body"))["y"], "right under the comment"
    _type(reply, "Bonne idée @le")
    _options(page, "Léa Martin")
    reply.press("Escape")  # closes the list, not the reply form around it
    _closed(page)
    assert comment.locator("details.reply[open]").count() == 1
    _type(reply, "a")
    _options(page, "Léa Martin")
    reply.press("Enter")
    _closed(page)
    with page.expect_navigation():
        comment.locator("details.reply button[type=submit]").click()
    replies = page.locator(".comments--replies .comment", has_text="Bonne idée")
    assert replies.locator("a.mention").inner_text() == "@lea.martin"
    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(page, "post-replies-desktop-fr")
    assert describe(axe_violations(page)) == ""


def test_a_refused_post_keeps_its_text_and_files_until_it_is_published(
    open_page: Callable[..., Any], tmp_path: Path, employee: User, colleague: User
) -> None:
    page = open_page()
    sign_in(page, employee.email, PASSWORD)
    composer = page.locator("form[data-composer]")
    composer.locator("textarea[name=body]").fill("Le logo d'Atlas pour @personne")
    composer.locator("input[type=file]").set_input_files(
        [str(_photo(tmp_path / "atlas.png")), str(_photo(tmp_path / "brouillon.png", (200, 40, 40)))]
    )
    composer.locator("input[name=image_description]").fill("Le logo d'Atlas, jaune sur bleu")
    with page.expect_navigation():
        composer.locator(".composer__actions button[type=submit]").click()
    composer = page.locator("form[data-composer]")
    assert "@personne" in composer.locator(".errorlist").inner_text()
    kept = composer.locator(".kept-file")
    assert kept.count() == 2
    assert kept.first.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "composer-kept-files-desktop-fr")
    assert describe(axe_violations(page)) == ""

    # "Remove" (htmx) takes one away; the focus moves to the next one's button.
    kept.filter(has_text="brouillon.png").locator("button").click()
    composer.locator(".kept-file", has_text="brouillon.png").wait_for(state="detached")
    assert page.evaluate("() => document.activeElement.closest('.kept-file').textContent").count("atlas.png")
    assert Attachment.objects.filter(post__isnull=True).count() == 1

    text = composer.locator("textarea[name=body]")
    text.fill("Le logo d'Atlas pour @eloise.dupre")
    with page.expect_navigation():
        composer.locator(".composer__actions button[type=submit]").click()
    assert urlsplit(page.url).path == "/", "back to the feed it was written on"
    post = page.locator("article.post", has_text="Le logo d'Atlas pour").first
    image = post.get_by_role("img", name="Le logo d'Atlas, jaune sur bleu")
    image.wait_for()
    assert post.locator(".gallery li").count() == 1
    assert Post.objects.get().attachments.get().original_name == "atlas.png"


def test_invite_several_colleagues_at_once_with_the_people_picker(
    open_page: Callable[..., Any], employee: User, colleague: User
) -> None:
    space = Space.objects.create(name="Projet Atlas", slug="projet-atlas", visibility=Space.Visibility.PRIVATE)
    Membership.objects.create(space=space, user=employee, role=Membership.Role.OWNER)
    marc = UserFactory(first_name="Marc", last_name="Petit", handle="marc.petit", email="marc.petit@atelier.example")
    page = open_page()
    sign_in(page, employee.email, PASSWORD)
    page.goto("/spaces/projet-atlas/invitations/")
    search = page.locator(".picker__input")
    _assert_combobox(search, expanded=False)
    assert page.get_by_label("People to invite").count() == 0  # French page
    assert page.get_by_label("Personnes à inviter").evaluate("el => el.classList.contains('picker__input')")

    _type(search, "élo")
    _options(page, "Éloïse Dupré")
    search.press("Enter")
    chips = page.locator(".picker .chip")
    chips.filter(has_text="Éloïse Dupré").wait_for()
    assert search.input_value() == ""
    _type(search, "marc.petit@atel")  # by e-mail address
    _options(page, "Marc Petit")
    search.press("Tab")
    chips.filter(has_text="Marc Petit").wait_for()
    UserFactory(first_name="Pierre", last_name="Petitjean", handle="pierre.petitjean")
    _type(search, "pet")  # Marc is chosen already: not offered again
    _options(page, "Pierre Petitjean")
    assert page.locator(LISTBOX).locator("[role=option]", has_text="Marc Petit").count() == 0
    search.press("Escape")
    search.fill("")
    search.press("Backspace")  # on an empty search box: takes the last chip away
    assert chips.count() == 1
    _type(search, "marc")
    _options(page, "Marc Petit")
    search.press("Enter")
    assert chips.count() == 2
    screenshot(page, "space-invite-picker-desktop-fr")
    assert describe(axe_violations(page)) == ""
    # The chips' remove buttons are buttons with a name, reachable by keyboard.
    remove = chips.filter(has_text="Marc Petit").get_by_role("button", name="Retirer Marc Petit")
    assert remove.is_visible()

    page.locator("main form.card button[type=submit]").click()
    page.locator("ul.people-list li.row", has_text="Marc Petit").wait_for()
    assert set(space.invitations.values_list("user_id", flat=True)) == {colleague.pk, marc.pk}


def test_the_invitation_picker_on_a_phone_in_english(open_page: Callable[..., Any], employee: User) -> None:
    space = Space.objects.create(name="Projet Atlas", slug="projet-atlas", visibility=Space.Visibility.PRIVATE)
    Membership.objects.create(space=space, user=employee, role=Membership.Role.OWNER)
    phone = open_page(viewport=PHONE)
    sign_in(phone, _english(employee).email, PASSWORD)
    phone.goto("/spaces/projet-atlas/invitations/")
    search = phone.locator(".picker__input")
    UserFactory(first_name="Gaspard", last_name="Roux", handle="gaspard.roux")
    _just_above_the_bottom_bar(phone, search)
    _type(search, "gasp")
    listbox = _options(phone, "Gaspard Roux")
    _above_the_bottom_bar(phone, listbox)
    _viewport_shot(phone, "space-invite-picker-phone-en")
    search.press("Enter")
    phone.locator(".picker .chip", has_text="Gaspard Roux").wait_for()
    assert horizontal_overflow(phone) == 0
    assert describe(axe_violations(phone)) == ""


def test_the_managers_field_is_a_people_picker(open_page: Callable[..., Any], employee: User, colleague: User) -> None:
    UserFactory(first_name="Marc", last_name="Petit", handle="marc.petit")
    page = open_page()
    sign_in(page, _english(employee).email, PASSWORD)
    page.goto("/@lea.martin/edit")
    search = page.get_by_label("Manager")
    _type(search, "élo")
    _options(page, "Éloïse Dupré")
    search.press("Enter")
    chips = page.locator(".picker .chip")
    chips.filter(has_text="Éloïse Dupré").wait_for()
    _type(search, "@marc")
    _options(page, "Marc Petit")
    search.press("Enter")
    chips.filter(has_text="Marc Petit").wait_for()
    assert chips.count() == 1, "one manager: picking another replaces them"
    screenshot(page, "profile-manager-picker-desktop-en")
    assert describe(axe_violations(page)) == ""
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    employee.profile.refresh_from_db()
    assert employee.profile.manager is not None
    assert employee.profile.manager.handle == "marc.petit"

    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/@lea.martin/edit")
    phone.get_by_label("Manager").scroll_into_view_if_needed()
    screenshot(phone, "profile-manager-picker-phone-en")
    assert horizontal_overflow(phone) == 0


@pytest.fixture
def gallery_post(employee: User) -> Post:
    first = services.media_upload(actor=employee, upload=image_upload("quai.jpg", (900, 600)), description="Le quai")
    second = services.media_upload(actor=employee, upload=image_upload("atelier.jpg"), description="L'atelier")
    return services.post_create(actor=employee, body="Deux photos du site de Lyon", media=[first, second])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_images_open_in_a_lightbox_driven_by_keyboard(
    open_page: Callable[..., Any], employee: User, gallery_post: Post, language: str
) -> None:
    if language == "en":
        _english(employee)
    desktop = open_page()
    sign_in(desktop, employee.email, PASSWORD)
    for page, size in (
        (desktop, "desktop"),
        (open_page(viewport=PHONE, storage_state=desktop.context.storage_state()), "phone"),
    ):
        page.goto(gallery_post.get_absolute_url())
        link = page.locator(".gallery a").first
        link.focus()
        link.press("Enter")
        dialog = page.locator("dialog.lightbox[open]")
        dialog.wait_for()
        assert dialog.locator(".lightbox__caption").inner_text() == "Le quai"
        close = "Fermer" if language == "fr" else "Close"
        assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == close
        page.keyboard.press("ArrowRight")
        assert dialog.locator(".lightbox__caption").inner_text() == "L'atelier"
        count = "Image 2 sur 2" if language == "fr" else "Image 2 of 2"
        assert dialog.locator(".lightbox__count").inner_text() == count
        for _ in range(4):  # the focus goes round the dialog's buttons, never behind it
            page.keyboard.press("Tab")
            assert page.evaluate("() => !!document.activeElement.closest('dialog.lightbox')")
        page.wait_for_function("() => document.querySelector('.lightbox__image').complete")
        screenshot(page, f"post-lightbox-{size}-{language}")
        assert describe(axe_violations(page)) == ""
        if size == "phone":
            box = _box(dialog.locator(".lightbox__image"))
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= PHONE["width"]
        page.keyboard.press("ArrowLeft")
        assert dialog.locator(".lightbox__caption").inner_text() == "Le quai"
        page.keyboard.press("Escape")
        page.locator("dialog.lightbox[open]").wait_for(state="detached")
        assert link.evaluate("el => el === document.activeElement"), "the focus goes back to the image"
        screenshot(page, f"post-detail-{size}-{language}")


def test_an_edit_adds_a_file_and_removes_another(
    open_page: Callable[..., Any], tmp_path: Path, employee: User, gallery_post: Post
) -> None:
    page = open_page()
    sign_in(page, employee.email, PASSWORD)
    page.goto(f"/posts/{gallery_post.pk}/edit")
    notes = tmp_path / "compte-rendu.txt"
    notes.write_text("Ordre du jour", encoding="utf-8")
    page.get_by_label("Retirer quai.jpg").check()
    page.locator("input[name=attachments]").set_input_files(str(notes))
    screenshot(page, "post-edit-files-desktop-fr")
    assert describe(axe_violations(page)) == ""
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/posts/\d+/$"))
    assert page.locator(".gallery li").count() == 1
    assert page.locator(".gallery img").get_attribute("alt") == "L'atelier"
    assert page.locator("ul.files a", has_text="compte-rendu.txt").is_visible()
    assert page.locator(".post__meta", has_text="modifié").count() == 1

    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto(f"/posts/{gallery_post.pk}/edit")
    screenshot(phone, "post-edit-files-phone-fr")
    assert horizontal_overflow(phone) == 0


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_comment_with_an_image_and_a_file_on_the_post_page(
    open_page: Callable[..., Any], tmp_path: Path, employee: User, colleague: User, language: str
) -> None:
    if language == "en":
        _english(colleague)
    post = services.post_create(actor=employee, body="Qui a les notes de la réunion Atlas ?")
    page = open_page()
    sign_in(page, colleague.email, PASSWORD)
    page.goto(post.get_absolute_url())
    form = page.locator("form.comment-form--full")
    form.locator("textarea[name=body]").fill("Les voici, avec une photo du tableau.")
    notes = tmp_path / "notes-atlas.pdf"
    notes.write_bytes(b"%PDF-1.4\n% notes de la reunion\n")
    form.locator("input[name=attachments]").set_input_files([str(_photo(tmp_path / "tableau.png")), str(notes)])
    form.locator("input[name=image_description]").fill("Le tableau blanc de la réunion")
    screenshot(page, f"comment-files-form-desktop-{language}")
    assert describe(axe_violations(page)) == ""
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    comment = page.locator(".comment", has_text="Les voici")
    image = comment.get_by_role("img", name="Le tableau blanc de la réunion")
    image.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    link = comment.locator("ul.files a", has_text="notes-atlas.pdf")
    assert link.is_visible()
    assert link.get_attribute("download") is not None
    assert page.request.get(link.get_attribute("href")).status == 200, "the reader downloads it"
    assert page.request.get(image.locator("xpath=..").get_attribute("href")).status == 200
    size = "31 octets" if language == "fr" else "31 bytes"
    assert comment.locator("ul.files").inner_text().replace("\xa0", " ").endswith(size)
    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(page, f"comment-files-desktop-{language}")
    assert describe(axe_violations(page)) == ""
    assert page.locator("article.post .gallery").count() == 0, "the post's own files are not the comment's"

    page.goto("/company/")  # the feed's card: the comment's files under the post, a picker in its comment form
    card = page.locator("article.post", has_text="Qui a les notes")
    card.locator(".comments--preview .gallery img").wait_for()
    picker = card.locator(".post__footer input[type=file][name=attachments]")
    assert not picker.is_visible(), "the picker waits for the comment box to be used"
    screenshot(page, f"comment-files-feed-desktop-{language}")
    card.locator(".post__footer textarea").fill("Merci !")
    picker.wait_for()  # labelled: axe below
    screenshot(page, f"comment-files-feed-typing-desktop-{language}")
    assert describe(axe_violations(page)) == ""

    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto(post.get_absolute_url())
    phone.locator(".comment .gallery img").first.wait_for()
    phone.evaluate("() => window.scrollTo(0, 0)")
    screenshot(phone, f"comment-files-phone-{language}")
    assert describe(axe_violations(phone)) == ""
    assert horizontal_overflow(phone) == 0
