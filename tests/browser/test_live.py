"""Issue 18, live pages in two real browsers: Léa posts, and Éloïse's open home page offers "1 new post —
show" without moving; Éloïse comments and reacts, and Léa's card counts them up in place while her bell
counts up too, all without a reload. Looked at on a desktop (Léa) and a phone (Éloïse)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.events import outbox
from essaim.events.models import OutboxItem
from essaim.people import services as people_services
from essaim.stream.models import Post
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import PHONE, looks_right, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.live_pages, pytest.mark.django_db(transaction=True)]

LIVE = 20_000  # ms: "within a second" on a quiet machine (bench.live measures it); a loaded CI machine gets slack


def drain_the_outbox(timeout: float = 15.0) -> None:
    """Do the task worker's work until none is left. The live server's threads share the test's SQLite
    database, whose tables one of them may hold for a moment: work that failed for it comes back due
    after its pause (``events.outbox``), as it would on a worker."""
    deadline = time.monotonic() + timeout
    while OutboxItem.objects.filter(failed_at__isnull=True).exists() and time.monotonic() < deadline:
        outbox.drain()
        time.sleep(0.25)
    assert not OutboxItem.objects.exists()


def test_two_people_see_each_others_post_comment_and_reaction_appear_live(
    open_page: Callable[..., Any], employee: User, colleague: User
) -> None:
    people_services.follow_create(actor=colleague, user=employee)
    lea = open_page()
    sign_in(lea, employee.email, PASSWORD)
    eloise = open_page(viewport=PHONE)
    sign_in(eloise, colleague.email, PASSWORD)
    eloise.goto("/")
    eloise.wait_for_timeout(500)  # its stream is open

    lea.goto("/")
    lea.locator("#id_body").fill("Réunion de rentrée jeudi à 10 h, salle Garonne")
    lea.get_by_role("button", name="Publier").click()
    lea.locator("article.post", has_text="salle Garonne").wait_for()
    post = Post.objects.get(body__contains="salle Garonne")

    bar = eloise.locator(".live-bar button")
    bar.wait_for(timeout=LIVE)
    assert bar.inner_text() == "1 nouvelle publication — afficher"
    assert eloise.locator(f"#post-{post.pk}").count() == 0  # nothing moved under her eyes
    looks_right(eloise, "live-new-post-bar-phone-fr")
    bar.click()
    card = eloise.locator(f"#post-{post.pk}")
    card.wait_for()
    assert eloise.locator(".live-bar").is_hidden()
    assert eloise.locator(".empty-state").count() == 0
    assert eloise.locator("header.topbar").count() == 1  # the new cards alone, not a page in the page
    screenshot(eloise, "live-new-post-shown-phone-fr")

    lea.wait_for_timeout(300)
    card.locator("textarea[name=body]").fill("J'y serai, merci @lea.martin")
    card.get_by_role("button", name="Commenter").click()
    eloise.wait_for_url(f"**/posts/{post.pk}/**")
    eloise.locator(f"#reactions-{post.pk} button.reaction").first.click()
    eloise.locator(f"#reactions-{post.pk} .reaction__count").first.wait_for()
    drain_the_outbox()  # the task worker's work: the notifications, which ring Léa's bell

    lea_card = lea.locator(f"#post-{post.pk}")
    lea_card.get_by_text("1 commentaire").wait_for(timeout=LIVE)
    lea_card.get_by_text("J'y serai, merci").wait_for(timeout=LIVE)
    lea_card.locator(".reaction__count").first.wait_for(timeout=LIVE)
    assert lea_card.locator(".reaction__count").first.inner_text() == "1"
    lea.locator("details.bell .bell__count").wait_for(timeout=LIVE)
    assert lea.locator("details.bell .bell__count").inner_text() == "3"  # the comment, its mention, the reaction
    screenshot(lea, "live-comment-reaction-bell-desktop-fr")

    # On the post's own page, a new comment joins the thread in place.
    lea.goto(f"/posts/{post.pk}/")
    lea.wait_for_timeout(500)  # its stream is open
    eloise.locator("#id_body").fill("Je prends les croissants")
    eloise.get_by_role("button", name="Commenter").last.click()
    lea.locator("#comment-threads").get_by_text("Je prends les croissants").wait_for(timeout=LIVE)
    assert lea.locator("#comments-title").inner_text() == "2 commentaires"
    looks_right(lea, "live-post-page-new-comment-desktop-fr")


def test_a_stream_the_proxy_refused_is_opened_again_and_misses_nothing(
    open_page: Callable[..., Any], employee: User, colleague: User
) -> None:
    """A browser gives up for good on an error answer (a 502 while Essaim restarts behind nginx): the page opens
    a new stream after a pause and is sent what happened since it was drawn."""
    from essaim.stream import services as stream_services

    people_services.follow_create(actor=colleague, user=employee)
    eloise = open_page()
    sign_in(eloise, colleague.email, PASSWORD)
    refused: list[str] = []

    def refuse_the_first(route: Any) -> None:
        if refused:
            route.continue_()
            return
        refused.append(route.request.url)
        route.fulfill(status=502, body="Bad gateway")

    eloise.route("**/live/events*", refuse_the_first)
    eloise.goto("/")
    stream_services.post_create(actor=employee, body="Le tableau de bord du trimestre est en ligne")
    bar = eloise.locator(".live-bar button")
    bar.wait_for(timeout=LIVE)
    assert refused, "the first stream was refused"
    assert bar.inner_text() == "1 nouvelle publication — afficher"
