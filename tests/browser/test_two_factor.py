"""Issue 22, point 5 in a real browser: the network requires two-factor authentication; a person without one is
sent to set it up, registers a passkey with Chromium's virtual authenticator (CDP ``WebAuthn`` domain), then signs
in with that passkey alone. The /manage/ setting and the "set up" page are looked at on a desktop and a phone, in
French and English, with axe-core and without sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from allauth.mfa.models import Authenticator

from essaim.accounts.models import User
from essaim.network.models import NetworkSettings
from essaim.network.selectors import network_settings_invalidate
from tests.accounts.factories import PASSWORD, AdminFactory, UserFactory
from tests.browser.conftest import PHONE, looks_right, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def set_policy(policy: str) -> None:
    NetworkSettings.objects.update_or_create(pk=1, defaults={"two_factor_required": policy})
    network_settings_invalidate()


def _speaks(user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def virtual_authenticator(page: Any) -> str:
    """A platform authenticator with user verification (a phone's fingerprint reader), as Chromium emulates it."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return str(added["authenticatorId"])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_setting_in_manage_on_desktop_and_phone(open_page: Callable[..., Any], language: str) -> None:
    admin = AdminFactory(first_name="Adèle", last_name="Admin")
    _speaks(admin, language)
    for viewport, name in [({"width": 1280, "height": 860}, "desktop"), (PHONE, "phone")]:
        page = open_page(viewport=viewport)
        sign_in(page, admin.email, PASSWORD)
        page.goto("/manage/network/")
        page.locator("input[name=two_factor_required][value=roles]").check()
        looks_right(page, f"two-factor-manage-{language}-{name}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/two-factor/")  # the administrator holds a role and has no second factor yet
    assert NetworkSettings.objects.get(pk=1).two_factor_required == "roles"


def test_a_person_registers_a_passkey_then_signs_in_with_it(open_page: Callable[..., Any], settings: Any) -> None:
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the live server is http://localhost
    set_policy("everyone")
    person = UserFactory(first_name="Léa", last_name="Martin")
    _speaks(person, "fr")
    page = open_page()
    sign_in(page, person.email, PASSWORD)
    assert page.url.endswith("/accounts/two-factor/")
    looks_right(page, "two-factor-setup-fr-desktop")
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/spaces/")
    assert phone.url.endswith("/accounts/two-factor/")
    looks_right(phone, "two-factor-setup-fr-phone")

    virtual_authenticator(page)
    page.locator("a[href='/accounts/2fa/webauthn/add/']").click()
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/2fa/webauthn/add/")
    looks_right(page, "two-factor-passkey-add-fr-desktop")
    page.locator("input[name=name]").fill("Téléphone de Léa")
    page.locator("input[name=passwordless]").check()
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.WEBAUTHN).count() == 1
    page.goto("/spaces/")
    assert page.url.endswith("/spaces/")  # the network is open now

    page.context.clear_cookies()  # signed out; the passkey alone signs in again, with no password
    page.goto("/accounts/settings/")
    assert "/accounts/login/" in page.url
    looks_right(page, "two-factor-login-with-passkey-fr-desktop")
    page.locator("#passkey_login").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/accounts/settings/")
    assert page.url.endswith("/accounts/settings/")
    page.goto("/spaces/")
    assert page.url.endswith("/spaces/")
