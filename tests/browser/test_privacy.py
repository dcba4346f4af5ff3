"""Issue 21, point 7 in a real browser: a person finds "Your data" in their settings, asks for an archive and
downloads it; a network administrator erases an account from the people page, keeping what it wrote under an
anonymous name. Each page looked at on a desktop and a phone, with axe-core and without sideways scrolling."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.stream import services as stream
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import PHONE, looks_right, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_downloads_an_archive_of_their_data(open_page: Callable[..., Any], tmp_path: Path) -> None:
    lea: User = UserFactory(first_name="Léa", last_name="Martin", language="fr")
    stream.post_create(actor=lea, body="Le compte rendu de l’atelier est en ligne.")
    page = open_page()
    sign_in(page, lea.email, PASSWORD)
    page.goto("/accounts/settings/")
    page.locator("a[href='/accounts/data/']").click()
    page.wait_for_url("**/accounts/data/")
    looks_right(page, "privacy-data-desktop-fr")
    page.locator("main form[method=post] button[type=submit]").click()
    download_link = page.locator("a[href^='/accounts/data/'][download]")
    download_link.wait_for()
    looks_right(page, "privacy-data-ready-desktop-fr")
    with page.expect_download() as download:
        download_link.click()
    saved = tmp_path / "archive.zip"
    download.value.save_as(saved)
    posts = json.loads(zipfile.ZipFile(saved).read("posts.json"))
    assert [post["body"] for post in posts] == ["Le compte rendu de l’atelier est en ligne."]
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/accounts/data/")
    looks_right(phone, "privacy-data-phone-fr")


def test_an_administrator_anonymises_an_account(open_page: Callable[..., Any], network_admin: User) -> None:
    network_admin.language = "fr"
    network_admin.save(update_fields=["language"])
    karim: User = UserFactory(first_name="Karim", last_name="Haddad", email="karim@example.com")
    post = stream.post_create(actor=karim, body="Les résultats du trimestre sont dans le dossier partagé.")
    page = open_page()
    sign_in(page, network_admin.email, PASSWORD)
    page.goto("/manage/people/?q=Karim")
    page.locator(f"a[href='/manage/people/{karim.pk}/erase/']").click()
    page.wait_for_url(f"**/manage/people/{karim.pk}/erase/")
    looks_right(page, "privacy-erase-desktop-fr")
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto(page.url)
    looks_right(phone, "privacy-erase-phone-fr")
    page.locator("input[name=content][value=keep]").check()
    page.locator("input[name=email]").fill("pas-la-bonne@example.com")
    page.locator("main form button[type=submit]").click()
    page.locator(".errorlist").first.wait_for()
    looks_right(page, "privacy-erase-refused-desktop-fr")
    page.locator("input[name=email]").fill("karim@example.com")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/manage/people/")
    page.locator(".message--success").wait_for()
    karim.refresh_from_db()
    assert not karim.is_active
    assert karim.email.endswith("@erased.invalid")
    page.goto(post.get_absolute_url())
    page.get_by_text("Les résultats du trimestre").wait_for()
    assert not page.get_by_text("Karim Haddad").count()
