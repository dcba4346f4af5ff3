"""Issue 21, point 4 in a real browser: a compliance officer writes watch rules on /manage/watch-rules/; an author
is warned in the composer ("this looks confidential — publish anyway?") and publishes anyway; a post that a
"hold" rule matches waits, marked for its author, and appears in the compliance queue, where it is published.
On a desktop and a phone, in French, with axe-core and without sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from essaim.stream.models import Post
from essaim.watchrules.models import WatchHit, WatchRule
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import PHONE, looks_right, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WARNED = "Rendez-vous demain avec Acme pour le renouvellement du contrat."
HELD = "Le lancement du projet Orion est avancé à mars."


def test_rules_warn_then_hold_and_the_queue_releases(open_page: Callable[..., Any]) -> None:
    officer = UserFactory(first_name="Claire", last_name="Vidal", is_compliance_officer=True, language="fr")
    author = UserFactory(first_name="Hugo", last_name="Roux", language="fr")

    admin = open_page()
    sign_in(admin, officer.email, PASSWORD)
    _write_rules(admin)
    phone_admin = open_page(viewport=PHONE, storage_state=admin.context.storage_state())
    phone_admin.goto("/manage/watch-rules/")
    looks_right(phone_admin, "watchrules-list-phone-fr")

    page = open_page()
    sign_in(page, author.email, PASSWORD)
    _warned_then_published(page, open_page)

    page.locator("main form[data-composer] textarea[name=body]").fill(HELD)
    page.locator("main form[data-composer] button[type=submit]").first.click()
    page.wait_for_url("**/")
    held = Post.objects.get(body=HELD)
    assert held.awaiting_approval
    page.goto(held.get_absolute_url())  # its author reads it, marked as waiting
    page.locator(".post__hidden").first.wait_for()
    looks_right(page, "watchrules-held-author-desktop-fr")

    hit = WatchHit.objects.get()
    admin.goto("/manage/watch-rules/queue/")
    admin.locator(f"#hit-{hit.pk}").wait_for()
    looks_right(admin, "watchrules-queue-desktop-fr")
    phone_admin.goto("/manage/watch-rules/queue/")
    looks_right(phone_admin, "watchrules-queue-phone-fr")
    admin.locator(f"#hit-{hit.pk} button[name=decision][value=approve]").click()
    admin.locator(".message--success").wait_for()
    held.refresh_from_db()
    assert not held.awaiting_approval


def _write_rules(admin: Any) -> None:
    """A "warn" rule on client names, a pattern refused with its message, a "hold" rule on a code name."""
    admin.goto("/manage/watch-rules/new/")
    admin.fill("input[name=name]", "Noms de clients")
    admin.fill("textarea[name=terms]", "Acme\nGlobex")
    admin.fill("textarea[name=explanation]", "Les noms de clients restent dans l'espace du client.")
    admin.check("input[name=action][value=warn]")
    looks_right(admin, "watchrules-form-desktop-fr")
    admin.locator("main form button[type=submit]").click()
    admin.wait_for_url("**/manage/watch-rules/")
    admin.goto("/manage/watch-rules/new/")
    admin.fill("input[name=name]", "Motif invalide")
    admin.select_option("select[name=kind]", "pattern")
    admin.fill("textarea[name=terms]", r"(\w+)\1")
    admin.check("input[name=action][value=warn]")
    admin.locator("main form button[type=submit]").click()
    admin.locator(".errorlist").first.wait_for()
    looks_right(admin, "watchrules-bad-pattern-desktop-fr")
    admin.fill("input[name=name]", "Noms de code")
    admin.select_option("select[name=kind]", "words")
    admin.fill("textarea[name=terms]", "Projet Orion")
    admin.check("input[name=action][value=hold]")
    admin.locator("main form button[type=submit]").click()
    admin.wait_for_url("**/manage/watch-rules/")
    assert WatchRule.objects.count() == 2
    looks_right(admin, "watchrules-list-desktop-fr")


def _warned_then_published(page: Any, open_page: Callable[..., Any]) -> None:
    """The composer warns (desktop and phone), the author publishes anyway."""
    page.goto("/")
    page.locator("main form[data-composer] textarea[name=body]").fill(WARNED)
    page.locator("main form[data-composer] button[type=submit]").first.click()
    page.locator("#watch-warning").wait_for()
    assert not Post.objects.exists()
    looks_right(page, "watchrules-warning-desktop-fr")
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/")
    phone.locator("main form[data-composer] textarea[name=body]").fill(WARNED)
    phone.locator("main form[data-composer] button[type=submit]").first.click()
    phone.locator("#watch-warning").wait_for()
    looks_right(phone, "watchrules-warning-phone-fr")
    page.locator("#watch-warning button[name=confirm_watch]").click()
    page.wait_for_url("**/")
    page.get_by_text(WARNED).first.wait_for()
    assert Post.objects.get().body == WARNED
