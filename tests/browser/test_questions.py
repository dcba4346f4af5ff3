"""Issue 20, points 1 and 2 in a real browser: ask a question with the composer's type switch, answer it,
vote the answer up and accept it; publish a poll and vote in it on a phone. Each page looked at on a desktop
and a phone, in French and in English, with axe-core and without sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from essaim.polls.models import Poll, PollVote
from essaim.questions.models import Question
from essaim.stream.models import Post, PostKind
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import PHONE, looks_right, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COMPOSER = "form[data-composer]"


def _publish(page: Any) -> None:
    page.locator(f"{COMPOSER} button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_ask_answer_vote_and_accept(open_page: Callable[..., Any], language: str) -> None:
    asker = UserFactory(first_name="Léa", last_name="Martin", language=language)
    expert = UserFactory(first_name="Karim", last_name="Benali", language=language)
    voter = UserFactory(first_name="Inès", last_name="Roux", language=language)

    page = open_page()
    sign_in(page, asker.email, PASSWORD)
    page.goto("/")
    page.locator(f"{COMPOSER} textarea[name=body]").fill("Où trouve-t-on le modèle de note de frais ?")
    page.locator(f"{COMPOSER} label[for=composer-kind-question]").click()
    page.locator(".composer__kind-fields--question").wait_for()
    looks_right(page, f"question-compose-desktop-{language}")
    _publish(page)
    question = Post.objects.get(kind=PostKind.QUESTION)

    answerer = open_page(viewport=PHONE)
    sign_in(answerer, expert.email, PASSWORD)
    answerer.goto(question.get_absolute_url())
    answerer.locator("#comments textarea[name=body]").fill("Sur l'intranet, rubrique RH > Frais.")
    answerer.locator("#comments form.comment-form--full button[type=submit]").click()
    answerer.locator(".comment__body").first.wait_for()
    looks_right(answerer, f"question-answered-phone-{language}")

    upvoter = open_page()
    sign_in(upvoter, voter.email, PASSWORD)
    upvoter.goto(question.get_absolute_url())
    upvoter.locator(".answer__actions button[aria-pressed=false]").first.click()
    upvoter.locator(".answer__actions button[aria-pressed=true]").wait_for()

    page.goto(question.get_absolute_url())
    page.locator("form[action$='/accepted-answer'] button").click()
    page.locator("#accepted-answer").wait_for()
    assert Question.objects.get(post=question).accepted_answer is not None
    looks_right(page, f"question-accepted-desktop-{language}")
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/company/")
    phone.locator(".answer--accepted").first.wait_for()
    looks_right(phone, f"question-card-phone-{language}")
    page.goto("/?filter=unanswered")
    page.locator(".feed-filter:not(.source-filter) [aria-current=page]").wait_for()
    looks_right(page, f"question-unanswered-desktop-{language}")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_publish_a_poll_and_vote_on_a_phone(open_page: Callable[..., Any], language: str) -> None:
    author = UserFactory(first_name="Léa", last_name="Martin", language=language)
    colleague = UserFactory(first_name="Karim", last_name="Benali", language=language)

    page = open_page()
    sign_in(page, author.email, PASSWORD)
    page.goto("/")
    page.locator(f"{COMPOSER} textarea[name=body]").fill("Quel jour pour l'atelier d'équipe ?")
    page.locator(f"{COMPOSER} label[for=composer-kind-poll]").click()
    page.locator("#poll-option-1").wait_for()
    page.locator("#poll-option-1").fill("Lundi")
    page.locator("#poll-option-2").fill("Mardi")
    page.locator("#poll-option-3").fill("Jeudi")
    assert not page.locator("#poll-option-5").is_visible(), "four inputs to begin with"
    page.locator("#poll-option-4").fill("Vendredi")
    page.locator("#poll-option-5").wait_for()  # a fifth once the fourth is filled, without JavaScript
    looks_right(page, f"poll-compose-desktop-{language}")
    _publish(page)
    poll = Poll.objects.get()
    assert list(poll.options.values_list("title", flat=True)) == ["Lundi", "Mardi", "Jeudi", "Vendredi"]

    phone = open_page(viewport=PHONE)
    sign_in(phone, colleague.email, PASSWORD)
    phone.goto("/company/")
    card = phone.locator(f"#poll-{poll.post_id}")
    card.wait_for()
    looks_right(phone, f"poll-vote-phone-{language}")
    card.locator("label.poll__choice").nth(1).click()
    card.locator("button[type=submit]").click()
    phone.locator(f"#poll-{poll.post_id} .poll__result--mine").wait_for()
    assert PollVote.objects.filter(user=colleague).count() == 1
    looks_right(phone, f"poll-results-phone-{language}")
    page.goto(poll.post.get_absolute_url())
    page.locator(f"#poll-{poll.post_id}").wait_for()
    looks_right(page, f"poll-detail-desktop-{language}")
