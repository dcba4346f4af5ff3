"""Issue 21, point 3 in a real browser: in a space where members' posts wait for approval, a member publishes
from the space's composer and sees their post marked as waiting; a colleague sees nothing of it; the space's
moderator finds it in the queue and approves it, and the colleague reads it. On a desktop and a phone, in
French, with axe-core and without sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from essaim.spaces.models import Membership, Space
from essaim.stream.models import Post
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import PHONE, looks_right, sign_in
from tests.spaces.factories import SpaceFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BODY = "Proposition : décaler la revue de sprint à jeudi."


def test_a_post_waits_for_a_moderator_then_is_published(open_page: Callable[..., Any]) -> None:
    space = SpaceFactory(name="Projet Atlas", slug="atlas", post_approval=Space.PostApproval.MEMBERS)
    hugo = member(space, first_name="Hugo", last_name="Roux", language="fr").user
    lea = member(space, first_name="Léa", last_name="Martin", language="fr").user
    noe = member(space, Membership.Role.MODERATOR, first_name="Noé", last_name="Girard", language="fr").user

    page = open_page()
    sign_in(page, hugo.email, PASSWORD)
    page.goto("/spaces/atlas/")
    page.locator("main form[data-composer] textarea[name=body]").fill(BODY)
    page.locator("main form[data-composer] button[type=submit]").click()
    page.locator(".post__hidden").first.wait_for()
    post = Post.objects.get(space=space)
    assert post.awaiting_approval
    looks_right(page, "approval-waiting-author-desktop-fr")

    colleague = open_page()
    sign_in(colleague, lea.email, PASSWORD)
    colleague.goto("/spaces/atlas/")
    assert colleague.get_by_text(BODY).count() == 0

    moderator = open_page()
    sign_in(moderator, noe.email, PASSWORD)
    moderator.goto("/moderation/")
    moderator.locator(f"#waiting-{post.pk}").wait_for()
    looks_right(moderator, "approval-queue-desktop-fr")
    phone = open_page(viewport=PHONE, storage_state=moderator.context.storage_state())
    phone.goto("/moderation/")
    looks_right(phone, "approval-queue-phone-fr")
    moderator.locator(f"#waiting-{post.pk} button[name=decision][value=approve]").click()
    moderator.wait_for_url("**/moderation/")
    moderator.locator(".message--success").wait_for()
    assert moderator.locator(f"#waiting-{post.pk}").count() == 0

    colleague.goto(post.get_absolute_url())
    colleague.get_by_text(BODY).wait_for()
    looks_right(colleague, "approval-published-desktop-fr")
