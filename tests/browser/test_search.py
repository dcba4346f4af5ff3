"""Issue 19 in a real browser: the top bar's box suggests people, spaces and tags as one types (arrows and
Enter pick one), Enter searches the posts, and the results page (tabs with counts, highlighted snippets,
facets, filters) looks right on a desktop and a phone, in French and in English, with axe-core and without
sideways scrolling; "who knows about it" too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from essaim.people.models import Skill
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import PHONE, looks_right, sign_in
from tests.search.conftest import Corpus, corpus  # noqa: F401  (the search tests' corpus)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_box_suggests_and_the_results_page_shows_what_was_found(
    open_page: Callable[..., Any],
    corpus: Corpus,  # noqa: F811  (the fixture imported above)
    language: str,
) -> None:
    corpus.author.language = language
    corpus.author.save(update_fields=["language"])
    page = open_page()
    sign_in(page, corpus.author.email, PASSWORD)

    box = page.locator("#topbar-q")
    box.click()
    box.press_sequentially("proj", delay=30)
    page.locator("#topbar-suggestions [role=option]").first.wait_for()
    assert page.locator("#topbar-suggestions").get_by_text("Projet Atlas").is_visible()
    looks_right(page, f"search-suggestions-desktop-{language}")
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant")
    box.press("Enter")
    page.wait_for_url("**/spaces/projet-atlas/")

    box = page.locator("#topbar-q")
    box.fill("réunions")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.locator(".search-hit mark").first.wait_for()
    assert page.locator(".search-hit").count() == 3
    looks_right(page, f"search-results-desktop-{language}")

    page.goto("/search/?q=plan+de+charge&space=projet-atlas")
    page.locator(".search-hit").first.wait_for()
    looks_right(page, f"search-filtered-desktop-{language}")

    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/search/?q=r%C3%A9union")
    phone.locator(".search-hit mark").first.wait_for()
    looks_right(phone, f"search-results-phone-{language}")
    phone.goto("/search/?q=zzzyyx")
    phone.locator(".search-empty").wait_for()
    looks_right(phone, f"search-empty-phone-{language}")


def test_who_knows_about_it(open_page: Callable[..., Any], corpus: Corpus) -> None:  # noqa: F811
    Skill.objects.create(name="Réunions efficaces", folded="reunions efficaces").profiles.add(corpus.reader.profile)
    page = open_page()
    sign_in(page, corpus.english.email, PASSWORD)
    page.goto("/search/?q=r%C3%A9unions")
    page.locator(".search-tabs a").last.click()
    page.locator(".expert").first.wait_for()
    assert page.locator(".expert").count() == 2
    looks_right(page, "search-experts-desktop-en")
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/search/experts/?q=r%C3%A9unions")
    phone.locator(".expert").first.wait_for()
    looks_right(phone, "search-experts-phone-en")
