"""Issue 24's proof with Mastodon.py: a real Mastodon client against a live Essaim on loopback (default settings,
``version_check_mode="created"``, ``ratelimit_method="throw"``) registers an app, is authorised through the OAuth
consent page in a real browser, posts with media and with a content warning, saves a post, reads the home timeline,
searches, follows, then is revoked from the authorised-apps page. The consent, code and settings pages looked at on
a desktop and a phone, in French and English."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image

from essaim.accounts.models import User
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import PHONE, looks_right, looks_right_on_desktop_and_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OOB = "urn:ietf:wg:oauth:2.0:oob"
SCOPES = ["read", "write", "follow"]
# French or English: the French catalogue gets these strings at merge
AUTHORISE = re.compile("^(Autoriser|Authorise)$")
SIGN_OUT = re.compile("Déconnecter cette appli|Sign out this app")
NONE_LEFT = re.compile("Aucune appli|No app is signed in as you")


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#2f5bd3").save(buffer, format="PNG")
    return buffer.getvalue()


def authorise_in_browser(page: Any, url: str, name: str, *, button: str) -> str:
    """Open the app's authorisation address, accept, and read the code the page shows."""
    page.goto(url)
    page.get_by_test_id("consent-scopes").wait_for()
    looks_right(page, f"oauth-consent-{name}")
    page.get_by_role("button", name=button).click()
    page.get_by_test_id("oauth-code").wait_for()
    looks_right(page, f"oauth-code-{name}")
    return str(page.get_by_test_id("oauth-code").inner_text()).strip()


def test_mastodon_py_from_sign_in_to_revocation(
    open_page: Callable[..., Any], live_server: Any, employee: User, colleague: User
) -> None:
    from mastodon import Mastodon, MastodonUnauthorizedError

    base = live_server.url
    client_id, client_secret = Mastodon.create_app(
        "Pocket", scopes=SCOPES, redirect_uris=OOB, website="https://pocket.example", api_base_url=base
    )
    app = Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        api_base_url=base,
        version_check_mode="created",
        ratelimit_method="throw",
    )
    assert app.retrieve_mastodon_version() == "4.3.0"
    assert app.instance()["configuration"]["statuses"]["max_characters"] > 500
    url = app.auth_request_url(scopes=SCOPES, redirect_uris=OOB, allow_http=True)

    page = open_page()  # fr-FR
    sign_in(page, employee.email, PASSWORD)
    code = authorise_in_browser(page, url, "desktop-fr", button=AUTHORISE)
    app.log_in(code=code, redirect_uri=OOB, scopes=SCOPES, allow_http=True)

    me = app.account_verify_credentials()
    assert str(me["id"]) == str(employee.pk)
    media = app.media_post(png(), mime_type="image/png", description="Un carré bleu", file_name="carre.png")
    status = app.status_post("Bonjour depuis une appli Mastodon", media_ids=[media])
    assert status["media_attachments"][0]["description"] == "Un carré bleu"
    assert any(item["id"] == status["id"] for item in app.timeline_home())
    found = app.account_search(colleague.last_name or colleague.handle)
    assert any(str(account["id"]) == str(colleague.pk) for account in found)
    assert app.account_follow(colleague.pk)["following"] is True
    edited = app.status_update(status["id"], "Bonjour, modifié depuis une appli")  # PUT, form-encoded
    assert "modifié" in edited["content"]
    warned = app.status_post("La fin du film", spoiler_text="Divulgâcheur", sensitive=True)
    assert (warned["spoiler_text"], warned["sensitive"]) == ("Divulgâcheur", True)
    rewarned = app.status_update(warned["id"], "La fin du film", spoiler_text="Fin du film")  # form-encoded PUT
    assert (rewarned["spoiler_text"], rewarned["sensitive"]) == ("Fin du film", True)
    assert app.status_bookmark(warned["id"])["bookmarked"] is True
    assert [str(s["id"]) for s in app.bookmarks()] == [str(warned["id"])]
    assert app.status_unbookmark(warned["id"])["bookmarked"] is False
    assert app.bookmarks() == []

    page.goto("/accounts/apps/")
    page.get_by_test_id("authorised-apps").wait_for()
    assert "Pocket" in page.get_by_test_id("authorised-apps").inner_text()
    phone = looks_right_on_desktop_and_phone(open_page, page, "authorised-apps-fr")
    phone.close()
    page.get_by_role("button", name=SIGN_OUT).click()
    page.get_by_text(NONE_LEFT).wait_for()
    with pytest.raises(MastodonUnauthorizedError):
        app.account_verify_credentials()


def test_revoking_through_the_api_and_the_pages_in_english(
    open_page: Callable[..., Any], live_server: Any, employee: User
) -> None:
    from mastodon import Mastodon, MastodonUnauthorizedError

    User.objects.filter(pk=employee.pk).update(language="en")
    base = live_server.url
    client_id, client_secret = Mastodon.create_app("Tusky", scopes=SCOPES, redirect_uris=OOB, api_base_url=base)
    app = Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        api_base_url=base,
        version_check_mode="created",
        ratelimit_method="throw",
    )
    phone = open_page(viewport=PHONE)
    sign_in(phone, employee.email, PASSWORD)
    code = authorise_in_browser(
        phone, app.auth_request_url(scopes=SCOPES, redirect_uris=OOB, allow_http=True), "phone-en", button=AUTHORISE
    )
    app.log_in(code=code, redirect_uri=OOB, scopes=SCOPES, allow_http=True)
    phone.goto("/accounts/apps/")
    phone.get_by_test_id("authorised-apps").wait_for()
    looks_right(phone, "authorised-apps-phone-en")
    app.revoke_access_token(allow_http=True)  # loopback: Mastodon.py's testing flag
    with pytest.raises(MastodonUnauthorizedError):
        app.account_verify_credentials()
