"""Issue 22, item 4 in a real browser: a network administrator finds directory provisioning from /manage/,
creates a token (shown once), sees it listed by its prefix, revokes it; the page looked at on a desktop and
a phone, in French, with axe-core and without sideways scrolling. The token made there then works, and no
longer does once revoked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from essaim.accounts.models import User
from essaim.scim.models import ScimToken
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import PHONE, looks_right, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_creates_lists_and_revokes_a_scim_token(
    open_page: Callable[..., Any], network_admin: User
) -> None:
    page = open_page()
    sign_in(page, network_admin.email, PASSWORD)
    page.goto("/manage/")
    page.locator('a[href="/manage/scim/"]').click()
    page.wait_for_url("**/manage/scim/")
    assert "/scim/v2/" in page.get_by_test_id("scim-url").inner_text()
    page.locator("input[name=name]").fill("Okta")
    page.locator("form[action='/manage/scim/'] button[type=submit]").click()
    raw = page.get_by_test_id("new-token").inner_text().strip()
    token = ScimToken.objects.get()
    assert raw.startswith(token.prefix)
    assert Client().get("/scim/v2/Users", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    looks_right(page, "scim-tokens-desktop-fr")
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/manage/scim/")
    assert raw not in phone.content()  # shown once
    assert f"{token.prefix}…" in phone.get_by_test_id("scim-tokens").inner_text()
    looks_right(phone, "scim-tokens-phone-fr")
    page.goto("/manage/scim/")
    page.get_by_test_id("scim-tokens").locator("button[type=submit]").click()
    page.locator(".message--success").wait_for()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/scim/v2/Users", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
