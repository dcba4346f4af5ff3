"""Issue 21, point 6 in a real browser: a compliance officer goes from the audit log to the legal holds, holds a
secret space they cannot read, asks for its export and downloads it (the manifest checks); a network
administrator sets the network's retention policy. Each page looked at on a desktop and a phone, in French, with
axe-core and without sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.compliance.models import LegalHold, RetentionPolicy
from essaim.core.archives import verify
from essaim.spaces.models import Space
from essaim.stream import services as stream
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import PHONE, looks_right, sign_in
from tests.spaces.factories import SpaceFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_compliance_officer_holds_a_space_and_downloads_its_export(
    open_page: Callable[..., Any], tmp_path: Path
) -> None:
    officer: User = UserFactory(first_name="Inès", last_name="Garnier", is_compliance_officer=True, language="fr")
    space = SpaceFactory(name="Projet Orion", slug="projet-orion", visibility=Space.Visibility.SECRET)
    writer = member(space, first_name="Hugo", last_name="Roux").user
    stream.post_create(actor=writer, body="Orion : le budget révisé est validé.", space=space)

    page = open_page()
    sign_in(page, officer.email, PASSWORD)
    assert page.goto("/spaces/projet-orion/").status == 404  # never browsed
    page.goto("/manage/audit/")
    page.locator("nav.compliance-nav a[href='/manage/legal-holds/']").click()
    page.wait_for_url("**/manage/legal-holds/")
    page.locator("select[name=space]").select_option(label="Projet Orion")
    page.locator("textarea[name=reason]").fill("Audit interne Orion, dossier 2026-14")
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_url("**/manage/legal-holds/")
    assert page.locator(".hold", has_text="Audit interne Orion").is_visible()
    assert LegalHold.objects.filter(space=space, released_at__isnull=True).exists()
    looks_right(page, "compliance-holds-desktop-fr")
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/manage/legal-holds/")
    looks_right(phone, "compliance-holds-phone-fr")

    page.locator("nav.compliance-nav a[href='/manage/compliance-exports/']").click()
    page.wait_for_url("**/manage/compliance-exports/")
    page.locator("select[name=space]").select_option(label="Projet Orion")
    page.locator("input[name=since]").fill("2026-01-01")
    page.locator("input[name=until]").fill("2026-12-31")
    page.locator("main form[method=post] button[type=submit]").click()
    link = page.locator("a[href^='/manage/compliance-exports/'][download]")
    link.wait_for()
    looks_right(page, "compliance-exports-desktop-fr")
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "export.zip"
    download.value.save_as(saved)
    assert verify(saved) == []
    phone.goto("/manage/compliance-exports/")
    looks_right(phone, "compliance-exports-phone-fr")


def test_a_network_administrator_sets_the_networks_retention(
    open_page: Callable[..., Any], network_admin: User
) -> None:
    network_admin.language = "fr"
    network_admin.save(update_fields=["language"])
    SpaceFactory(name="Archives RH")
    page = open_page()
    sign_in(page, network_admin.email, PASSWORD)
    page.goto("/manage/")
    page.locator("a[href='/manage/retention/']").first.click()
    page.wait_for_url("**/manage/retention/")
    page.locator("input[name=mode][value=delete]").check()
    page.locator("input[name=days]").fill("0")
    page.locator("main form[method=post] button[type=submit]").last.click()
    assert page.locator("#id_days_error").is_visible()  # refused, what was typed kept
    looks_right(page, "compliance-retention-refused-desktop-fr")
    page.locator("input[name=days]").fill("1095")
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_url("**/manage/retention/")
    assert list(RetentionPolicy.objects.values_list("mode", "days")) == [("delete", 1095)]
    looks_right(page, "compliance-retention-desktop-fr")
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/manage/retention/")
    looks_right(phone, "compliance-retention-phone-fr")
