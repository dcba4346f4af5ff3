"""Issue 22, item 2 in a real browser: a network administrator adds the company's SAML identity provider in
/manage/sso/saml/ by its metadata address and tests its connection; then someone signs in with the "Sign in
with …" button, through the identity provider (a real one on loopback, ``tests/saml/idp.py``) and back. Pages
looked at on a desktop and a phone, with axe-core and without sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from essaim.accounts.models import User
from essaim.saml.models import SamlProvider
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import PHONE, looks_right, sign_in
from tests.saml.idp import IdentityProvider, serve, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def idp() -> Iterator[IdentityProvider]:
    yield from serve()


def test_an_administrator_adds_a_saml_provider_and_a_person_signs_in_with_it(
    open_page: Callable[..., Any], network_admin: User, idp: IdentityProvider, live_server: Any
) -> None:
    page = open_page()
    sign_in(page, network_admin.email, PASSWORD)
    page.goto("/manage/")
    page.locator('a[href="/manage/sso/saml/"]').click()
    page.wait_for_url("**/manage/sso/saml/")
    looks_right(page, "saml-providers-empty-desktop")
    page.locator("input[name=slug]").fill("acme")
    page.locator("input[name=label]").fill("Acme SAML")
    page.locator("input[name=entity_id]").fill(idp.entity_id)
    page.locator("input[name=metadata_url]").fill(idp.base + "/metadata")
    page.locator("form[action='/manage/sso/saml/'] button[type=submit]").click()
    page.wait_for_url("**/manage/sso/saml/*/")
    provider = SamlProvider.objects.get()
    assert "/accounts/saml/acme/metadata/" in page.get_by_test_id("saml-metadata").inner_text()
    page.locator(f"form[action='/manage/sso/saml/{provider.pk}/test/'] button").click()
    page.get_by_test_id("sso-report").wait_for()
    assert "message--success" in (page.get_by_test_id("sso-report-summary").get_attribute("class") or "")
    looks_right(page, "saml-provider-desktop")
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto(f"/manage/sso/saml/{provider.pk}/")
    looks_right(phone, "saml-provider-phone")

    idp.trust(requests.get(live_server.url + "/accounts/saml/acme/metadata/", timeout=10).text)
    person = UserFactory(email="lea.martin@example.com", first_name="Léa", last_name="Martin")
    idp.next_user = user(**{"http://schemas.microsoft.com/identity/claims/jobtitle": "Cheffe de projet"})
    visitor = open_page()
    visitor.goto("/accounts/login/")
    buttons = visitor.get_by_test_id("sso-buttons")
    assert "Acme SAML" in buttons.inner_text()
    looks_right(visitor, "saml-login-desktop")
    phone_visitor = open_page(viewport=PHONE)
    phone_visitor.goto("/accounts/login/")
    looks_right(phone_visitor, "saml-login-phone")
    buttons.locator("button", has_text="Acme SAML").click()
    visitor.wait_for_url(lambda url: "/accounts/" not in url and "127.0.0.1" not in url)
    assert any(entry["endpoint"] == "sso" for entry in idp.log)
    visitor.goto(f"/@{person.handle}")
    assert "Cheffe de projet" in visitor.content()
