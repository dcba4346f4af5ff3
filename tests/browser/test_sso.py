"""Issue 22, item 1 in a real browser: a network administrator adds the company's OpenID Connect provider in
/manage/sso/ and tests its connection; then someone signs in with the "Sign in with …" button, through the
provider (a real one on loopback, ``tests/oidc/provider.py``) and back. Pages looked at on a desktop and a
phone, in French, with axe-core and without sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.oidc.models import OidcProvider
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import PHONE, looks_right, sign_in
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, OpenIdProvider, serve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def op() -> Iterator[OpenIdProvider]:
    yield from serve()


def test_an_administrator_adds_a_provider_and_a_person_signs_in_with_it(
    open_page: Callable[..., Any], network_admin: User, op: OpenIdProvider
) -> None:
    page = open_page()
    sign_in(page, network_admin.email, PASSWORD)
    page.goto("/manage/")
    page.locator('a[href="/manage/sso/"]').click()
    page.wait_for_url("**/manage/sso/")
    looks_right(page, "sso-providers-empty-desktop-fr")
    page.locator("input[name=slug]").fill("acme")
    page.locator("input[name=label]").fill("Acme SSO")
    page.locator("input[name=issuer]").fill(op.issuer)
    page.locator("input[name=client_id]").fill(CLIENT_ID)
    page.locator("input[name=secret]").fill(CLIENT_SECRET)
    page.locator("form[action='/manage/sso/'] button[type=submit]").click()
    page.wait_for_url("**/manage/sso/*/")
    provider = OidcProvider.objects.get()
    assert "/accounts/oidc/acme/login/callback/" in page.get_by_test_id("sso-callback").inner_text()
    page.locator(f"form[action='/manage/sso/{provider.pk}/test/'] button").click()
    page.get_by_test_id("sso-report").wait_for()
    assert "message--success" in (page.get_by_test_id("sso-report-summary").get_attribute("class") or "")
    assert CLIENT_SECRET not in page.content()
    looks_right(page, "sso-provider-desktop-fr")
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto(f"/manage/sso/{provider.pk}/")
    looks_right(phone, "sso-provider-phone-fr")

    person = UserFactory(email="lea.martin@example.com", first_name="Léa", last_name="Martin")
    op.next_claims = {
        "sub": "lea",
        "email": "lea.martin@example.com",
        "email_verified": True,
        "given_name": "Léa",
        "family_name": "Martin",
        "job_title": "Cheffe de projet",
    }
    visitor = open_page()
    visitor.goto("/accounts/login/")
    buttons = visitor.get_by_test_id("sso-buttons")
    assert "Acme SSO" in buttons.inner_text()
    looks_right(visitor, "sso-login-desktop-fr")
    phone_visitor = open_page(viewport=PHONE)
    phone_visitor.goto("/accounts/login/")
    looks_right(phone_visitor, "sso-login-phone-fr")
    buttons.locator("button").click()
    visitor.wait_for_url(lambda url: "/accounts/" not in url)
    assert any(entry["endpoint"] == "token" for entry in op.log)
    visitor.goto(f"/@{person.handle}")
    assert "Cheffe de projet" in visitor.content()

    # A link straight to the provider's address (a bookmark, an intranet's link) asks before leaving, in Essaim's page.
    linked = open_page()
    linked.goto("/accounts/oidc/acme/login/")
    assert "Acme SSO" in linked.locator("main").inner_text()
    looks_right(linked, "sso-confirm-desktop-fr")
    linked.locator("main form button[type=submit]").click()
    linked.wait_for_url(lambda url: "/accounts/" not in url)
