"""E-mails never reveal a post to someone who may not see it, generated from the policy's world; e-mail
preferences are each person's own; the unsubscribe link changes its owner's setting only, and only for an
open account.

The world is ``test_visible_among``'s: a post of every kind (company, followers, mentioned; in every kind of
space, archived and sub-spaces included; hidden or not) and people of every kind. Every post is made
"discussed" or left unanswered and dated inside the week: each person's weekly digest then holds only posts
``access.visible`` keeps for them, never a hidden one; and a notification e-mail about a post only goes to
who may read it when it is sent.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.emails import batches, tokens
from essaim.emails.digests import Candidates
from essaim.notifications import selectors
from essaim.notifications.models import EmailPreferences, Notification, PendingEmail
from essaim.spaces.models import Membership
from essaim.stream.models import Post
from tests.access import test_visible_among
from tests.access.conftest import assert_answer, read_table
from tests.access.test_visible_among import World

world = test_visible_among.world  # the fixture, shared


@pytest.fixture
def everyone(world: World) -> list[User]:
    return list(User.objects.order_by("pk"))


def test_a_digest_holds_only_posts_its_reader_may_see(world: World, everyone: list[User]) -> None:
    now = timezone.now()
    posts = list(Post.objects.all())
    for index, post in enumerate(posts):
        Post.objects.filter(pk=post.pk).update(
            created_at=now - timedelta(days=1), comment_count=index % 3, is_announcement=index % 5 == 0
        )
    candidates = Candidates(now - timedelta(days=7), now)
    spaces: dict[int, set[int]] = {}
    for user_id, space_id in Membership.objects.values_list("user_id", "space_id"):
        spaces.setdefault(user_id, set()).add(space_id)
    for person in everyone:
        digest = candidates.digest_for(person, spaces.get(person.pk, set()))
        told = [*digest.discussed, *digest.announcements, *digest.unanswered]
        assert all(p.hidden_at is None for p in told)
        ids = {p.pk for p in told}
        assert ids == set(access.visible(person, Post.objects.filter(pk__in=ids)).values_list("pk", flat=True)), (
            person.handle
        )


def test_a_notification_email_tells_only_of_posts_its_reader_may_read_when_sent(
    world: World, everyone: list[User], mailoutbox: list[EmailMessage], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "PEOPLE_PER_RUN", 10_000)
    posts = list(Post.objects.select_related("space"))
    active = [p for p in everyone if p.is_active]
    for post in posts:  # as if everyone had been told, and the post had moved or been hidden since
        for person in active:
            notification = Notification.objects.create(recipient=person, kind="mention", post=post)
            PendingEmail.objects.create(notification=notification, recipient=person)
    batches.send_due(now=timezone.now() + timedelta(hours=1))
    sent = {message.to[0]: message for message in mailoutbox}
    assert len(sent) == len(mailoutbox), "one e-mail each"
    for person in active:
        mine = Notification.objects.filter(recipient=person).select_related("post")
        expected = {n.pk for n in mine if n.post.hidden_at is None and access.can(person, Action.VIEW, n.post)}
        shown = (
            {int(pk) for pk in re.findall(r"/notifications/(\d+)/", str(sent[person.email].body))}
            if (person.email in sent)
            else set()
        )
        assert shown == expected, person.handle


def test_email_preferences_are_each_persons_alone(world: World, everyone: list[User]) -> None:
    for person in everyone:
        EmailPreferences.objects.create(user=person, digest="daily")
    for person in [*everyone, world.actors["anonymous"]]:
        rows = list(access.visible(person, EmailPreferences.objects.all()))
        signed_in = person.is_authenticated and person.is_active
        assert [row.user_id for row in rows] == ([person.pk] if signed_in else [])
        others = EmailPreferences.objects.exclude(user_id=person.pk)
        assert not any(access.can(person, Action.EDIT, row) for row in others)


# --- the unsubscribe link: its token is the authority, for an open account ---------------------------------

OWNERS = ["employee", "guest", "network_admin", "deactivated", "forged"]
# Columns follow OWNERS: whose link it is. Whoever is signed in (nobody, or someone else) changes nothing.
TABLE = """
    unsubscribe_page    200 200 200 404 404
    unsubscribe_post    200 200 200 404 404
    unsubscribe_oneclick 200 200 200 404 404
"""
EXPECTED = read_table(TABLE, OWNERS)


@pytest.mark.parametrize("surface", ["unsubscribe_page", "unsubscribe_post", "unsubscribe_oneclick"])
@pytest.mark.parametrize("owner", OWNERS)
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "someone else signed in"])
def test_unsubscribe(client: Client, db: None, owner: str, surface: str, signed_in: bool) -> None:
    from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory

    person = {
        "employee": UserFactory,
        "guest": GuestFactory,
        "network_admin": AdminFactory,
        "deactivated": lambda: UserFactory(is_active=False),
        "forged": UserFactory,
    }[owner]()
    other = UserFactory()
    if signed_in:
        client.force_login(other)
    token = tokens.make(person.pk, tokens.ALL)
    if owner == "forged":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    url = reverse("emails:unsubscribe", kwargs={"token": token})
    if surface == "unsubscribe_page":
        response = client.get(url)
    elif surface == "unsubscribe_post":
        response = client.post(url)
    else:
        response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert_answer(response, EXPECTED[surface, owner])
    changed = surface != "unsubscribe_page" and response.status_code == 200
    if person.is_active:
        assert (selectors.notification_choices_for(actor=person).channels["mention"] == "app") == changed
    assert selectors.notification_choices_for(actor=other).channels["mention"] == "app_email", "never the visitor's"
