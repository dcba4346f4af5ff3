"""Issue 20, points 4 to 6 in a real browser: a member proposes an idea in a space's idea box and a moderator
changes its status with an official answer; an employee confirms a must-read announcement pinned on their home
feed and its author sees who confirmed; an employee praises two colleagues from the composer. Each page looked
at on a desktop and a phone, in French and English, with axe-core and without sideways scrolling.

Buttons are found by their form, not their label, so that the test holds once their words are translated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from essaim.ideas import services as ideas
from essaim.ideas.models import Idea, IdeaStatus
from essaim.mustread import services as mustread
from essaim.mustread.models import ReadConfirmation
from essaim.praise.models import PraisedPerson
from essaim.spaces.models import Membership
from essaim.stream import services as stream
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import PHONE, looks_right, looks_right_on_desktop_and_phone, sign_in
from tests.spaces.factories import MembershipFactory, SpaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_proposes_an_idea_and_a_moderator_answers_it(open_page: Callable[..., Any]) -> None:
    space = SpaceFactory(name="Atelier Boréal", slug="atelier", description="L'atelier et ses projets.")
    owner = MembershipFactory(space=space, role=Membership.Role.OWNER).user
    ideas.idea_box_enable(actor=owner, space=space)
    paul = MembershipFactory(space=space, user=UserFactory(first_name="Paul", last_name="Durand")).user
    mona_user = UserFactory(first_name="Mona", last_name="Lisa", language="fr")
    mona = MembershipFactory(space=space, role=Membership.Role.MODERATOR, user=mona_user).user
    earlier = ideas.idea_propose(actor=owner, space=space, body="Des vélos de service pour les visites")
    ideas.idea_vote_set(actor=mona, idea=Idea.objects.get(pk=earlier.pk), voted=True)

    page = open_page()
    sign_in(page, paul.email, PASSWORD)
    page.goto("/spaces/atelier/ideas/")
    page.locator("#idea-body").fill("Un potager partagé sur le toit de l'atelier")
    page.locator("main form[action='/posts/new'] button[type=submit]").click()
    page.wait_for_url("**/spaces/atelier/ideas/")
    page.locator(".idea-row__title").get_by_text("Un potager partagé").wait_for()
    idea = Idea.objects.get(post__body__startswith="Un potager")
    page.locator(f"#idea-{idea.pk} .idea-vote__button").click()
    page.locator(f"#idea-{idea.pk} .idea-vote__button[aria-pressed=true]").wait_for()
    looks_right_on_desktop_and_phone(open_page, page, "ideas-board-en")

    moderator = open_page(viewport=PHONE)
    sign_in(moderator, mona.email, PASSWORD)
    moderator.goto("/spaces/atelier/ideas/?sort=recent")
    row = moderator.locator(f"#idea-{idea.pk}")
    row.locator("summary").click()
    row.locator("select[name=status]").select_option(IdeaStatus.PLANNED)
    row.locator("textarea[name=answer]").fill("Bonne idée : on le plante **au printemps**.")
    row.locator("form button[type=submit]").last.click()
    moderator.locator(f"#idea-{idea.pk} .idea-status--planned").wait_for()
    looks_right(moderator, "ideas-board-status-phone-fr")
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PLANNED

    page.goto(idea.post.get_absolute_url())
    page.locator(".idea__answer").get_by_text("au printemps").wait_for()
    looks_right(page, "ideas-card-desktop-en")
    desktop_fr = open_page()
    sign_in(desktop_fr, mona.email, PASSWORD)
    desktop_fr.goto("/spaces/atelier/ideas/?status=planned")
    desktop_fr.locator(f"#idea-{idea.pk}").wait_for()
    looks_right(desktop_fr, "ideas-board-desktop-fr")


def test_an_employee_confirms_a_must_read_and_its_author_sees_it(open_page: Callable[..., Any]) -> None:
    comms = UserFactory(first_name="Camille", last_name="Comm", is_communication_team=True)
    lea = UserFactory(first_name="Léa", last_name="Martin", language="fr")
    UserFactory(first_name="Théo", last_name="Roux")
    post = stream.post_create(
        actor=comms, body="**Nouvelle consigne de sécurité** : les badges se portent visibles dans l'atelier."
    )
    mustread.must_read_require(actor=comms, post=post)

    page = open_page()
    sign_in(page, lea.email, PASSWORD)
    page.goto("/")
    banner = page.locator(f"#pinned-{post.pk} .must-read")
    banner.wait_for()
    phone = looks_right_on_desktop_and_phone(open_page, page, "must-read-home-fr")
    banner.locator("button[type=submit]").click()
    page.wait_for_url("**/")
    assert ReadConfirmation.objects.filter(user=lea).exists()
    phone.goto("/")
    assert phone.locator(f"#pinned-{post.pk}").count() == 0, "confirmed: no longer pinned, on every device"

    author = open_page()
    sign_in(author, comms.email, PASSWORD)
    author.goto(f"/posts/{post.pk}/confirmations")
    author.locator(".confirmations__counts").wait_for()
    assert "1 personne a confirmé" in author.locator(".confirmations__counts").inner_text()
    author.locator(f"main form[action='/posts/{post.pk}/confirmations/remind'] button").click()
    author.wait_for_url(f"**/posts/{post.pk}/confirmations")
    looks_right_on_desktop_and_phone(open_page, author, "must-read-confirmations-en")


def test_an_employee_praises_two_colleagues(open_page: Callable[..., Any]) -> None:
    lea = UserFactory(first_name="Léa", last_name="Martin", handle="lea.martin")
    eloise = UserFactory(first_name="Éloïse", last_name="Dupré", handle="eloise.dupre", language="fr")
    UserFactory(first_name="Théo", last_name="Roux", handle="theo.roux")

    page = open_page()
    sign_in(page, lea.email, PASSWORD)
    page.goto("/")
    form = page.locator("form.composer__form")
    form.locator("label[for=composer-kind-praise]").click()
    form.locator("#id_praise-praised").wait_for()
    form.locator("#id_praise-praised").fill("@eloise.dupre @theo.roux")
    form.locator("#id_praise-badge").select_option("teamwork")
    form.locator("textarea[name=body]").fill("Merci à vous deux pour le salon de Lyon : un travail d'équipe parfait !")
    looks_right(page, "praise-composer-desktop-en")
    form.locator("button[type=submit]").last.click()
    page.locator(".praise--teamwork:visible").first.wait_for()
    assert PraisedPerson.objects.count() == 2
    looks_right_on_desktop_and_phone(open_page, page, "praise-home-en")

    praised = open_page(viewport=PHONE)
    sign_in(praised, eloise.email, PASSWORD)
    praised.goto("/@eloise.dupre")
    praised.locator("#profile-praise").wait_for()
    looks_right(praised, "praise-profile-phone-fr")
    desktop = open_page()
    sign_in(desktop, eloise.email, PASSWORD)
    desktop.goto(f"/posts/{PraisedPerson.objects.first().post_id}/")
    desktop.locator(".praise--teamwork:visible").first.wait_for()
    looks_right(desktop, "praise-post-desktop-fr")
