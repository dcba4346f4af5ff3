"""Issue 22, item 3 in a real browser: a network administrator finds the company directory from /manage/,
enters a real OpenLDAP's settings (``tests/ldap/server.py``), tests the connection, syncs it now and reads what
the sync did; then someone of the directory signs in with their directory password. Pages looked at on a
desktop and a phone, with axe-core and without sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.ldap.models import LdapDirectory
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import PHONE, looks_right, sign_in
from tests.ldap import server
from tests.ldap.server import GROUPS_BASE, PEOPLE_BASE, SERVICE_DN, SERVICE_PASSWORD, Slapd, serve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slapd() -> Iterator[Slapd]:
    yield from serve(people=40)


def test_an_administrator_sets_up_tests_and_syncs_the_directory(
    open_page: Callable[..., Any], network_admin: User, slapd: Slapd
) -> None:
    page = open_page()
    sign_in(page, network_admin.email, PASSWORD)
    page.goto("/manage/")
    page.locator('a[href="/manage/ldap/"]').click()
    page.wait_for_url("**/manage/ldap/")
    assert page.locator("form[action='/manage/ldap/sync/'] button").is_disabled()  # nothing to sync yet
    page.locator("input[name=enabled]").check()
    page.locator("input[name=server_uri]").fill(slapd.uri)
    page.locator("input[name=bind_dn]").fill(SERVICE_DN)
    page.locator("input[name=password]").fill(SERVICE_PASSWORD)
    page.locator("input[name=user_base]").fill(PEOPLE_BASE)
    page.locator("input[name=group_base]").fill(GROUPS_BASE)
    page.locator("form[action='/manage/ldap/'] button[type=submit]").click()
    page.locator(".message--success").wait_for()
    assert LdapDirectory.get().enabled
    assert SERVICE_PASSWORD not in page.content()
    page.locator("form[action='/manage/ldap/test/'] button").click()
    report = page.get_by_test_id("ldap-report")
    report.wait_for()
    assert "40" in report.inner_text()
    assert "message--success" in (page.get_by_test_id("ldap-report-summary").get_attribute("class") or "")
    looks_right(page, "ldap-directory-tested-desktop")
    page.locator("form[action='/manage/ldap/sync/'] button").click()
    last_sync = page.get_by_test_id("ldap-last-sync")
    last_sync.wait_for()
    assert "40" in last_sync.inner_text()
    assert User.objects.filter(email__endswith="@atelier.test").count() == 40
    looks_right(page, "ldap-directory-synced-desktop")
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/manage/ldap/")
    phone.get_by_test_id("ldap-last-sync").wait_for()
    looks_right(phone, "ldap-directory-synced-phone")
    slapd.stop()
    phone.locator("form[action='/manage/ldap/test/'] button").click()
    phone.get_by_test_id("ldap-report").wait_for()
    assert slapd.uri in phone.get_by_test_id("ldap-report").inner_text()
    looks_right(phone, "ldap-directory-down-phone")


def test_someone_of_the_directory_signs_in_with_their_directory_password(
    open_page: Callable[..., Any], network_admin: User, slapd: Slapd
) -> None:
    LdapDirectory.objects.update_or_create(pk=1, defaults={"enabled": True})
    from essaim.ldap import services

    services.directory_update(
        actor=network_admin,
        directory=LdapDirectory.get(),
        password=SERVICE_PASSWORD,
        server_uri=slapd.uri,
        bind_dn=SERVICE_DN,
        user_base=PEOPLE_BASE,
        group_base=GROUPS_BASE,
    )
    page = open_page()
    sign_in(page, server.email(12), server.password(12))
    assert User.objects.get(email=server.email(12)).profile.job_title == "Chargé·e de projet"
    slapd.stop()
    other = open_page()
    other.goto("/accounts/login/")
    other.locator("input[name=login]").fill(server.email(13))
    other.locator("input[type=password]").first.fill(server.password(13))
    other.locator("main form button[type=submit]").click()
    other.locator(".errorlist").wait_for()
    assert (
        "directory" in other.locator(".errorlist").inner_text()
        or "annuaire" in other.locator(".errorlist").inner_text()
    )
    looks_right(other, "ldap-sign-in-directory-down-desktop")
