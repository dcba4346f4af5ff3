"""Notifications never reveal a post to someone who may not see it, generated from the policy's world.

The world is ``test_visible_among``'s: a post of every kind (company, followers, mentioned; in every kind
of space, archived and sub-spaces included; hidden or not) and people of every kind. Each post is
mentioning, commented on with a mention of, and announced to, everyone: the notifications consumer
(``notifications.consumers``) then tells exactly the people ``access.visible`` keeps the post for
(never the actor, never a deactivated account, and nobody about a hidden post), and each person's
list and bell hold their own notifications only.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.core.pagination import Cursor
from essaim.events.types import AnnouncementPublished, CommentCreated, PostCreated
from essaim.notifications import consumers, selectors
from essaim.notifications.models import Notification
from essaim.stream.models import Comment, Post
from tests.access import test_visible_among
from tests.access.test_visible_among import World

world = test_visible_among.world  # the fixture, shared


@pytest.fixture
def everyone(world: World) -> list[User]:
    return list(User.objects.order_by("pk"))


def _expected(post: Post, people: list[User], actor_id: int) -> set[int]:
    """Who may be told about ``post``: who may see it now, active, not its actor; nobody when it is hidden."""
    if post.hidden_at is not None:
        return set()
    return {p.pk for p in people if p.is_active and p.pk != actor_id and access.can(p, Action.VIEW, post)}


def _told(**about: object) -> set[int]:
    return set(Notification.objects.filter(**about).values_list("recipient_id", flat=True))


def test_a_mention_in_a_post_tells_exactly_who_may_read_it(world: World, everyone: list[User]) -> None:
    ids = tuple(p.pk for p in everyone)
    for post in Post.objects.select_related("space"):
        consumers.inbox(
            PostCreated(actor_id=post.author_id, post_id=post.pk, space_id=post.space_id, mentioned_ids=ids)
        )
        assert _told(post=post, kind="mention") == _expected(post, everyone, post.author_id), post.body


def test_a_comment_tells_exactly_who_may_read_its_post(world: World, everyone: list[User]) -> None:
    ids = tuple(p.pk for p in everyone)
    commenter = world.actors["space_moderator"]
    for post in Post.objects.select_related("space"):
        comment = Comment.objects.create(post=post, author=commenter, body="@tous")
        consumers.inbox(
            CommentCreated(
                actor_id=commenter.pk, comment_id=comment.pk, post_id=post.pk, parent_id=None, mentioned_ids=ids
            )
        )
        assert _told(comment=comment) == _expected(post, everyone, commenter.pk), post.body


def test_an_announcement_tells_exactly_who_may_read_it(world: World, everyone: list[User]) -> None:
    for post in Post.objects.select_related("space").filter(space__isnull=True)[:40]:
        consumers.inbox(AnnouncementPublished(actor_id=world.actors["network_admin"].pk, post_id=post.pk))
        expected = _expected(post, everyone, world.actors["network_admin"].pk)
        assert _told(post=post, kind="announcement") == expected, post.body


def test_each_person_sees_their_own_and_only_posts_they_may_still_read(world: World, everyone: list[User]) -> None:
    ids = tuple(p.pk for p in everyone)
    for post in Post.objects.filter(hidden_at=None).select_related("space")[:60]:
        consumers.inbox(
            PostCreated(actor_id=post.author_id, post_id=post.pk, space_id=post.space_id, mentioned_ids=ids)
        )
    Post.objects.filter(pk__in=Post.objects.filter(hidden_at=None).values("pk")[:10]).update(hidden_at=post.created_at)
    for person in [*everyone, world.actors["anonymous"]]:
        if not (person.is_authenticated and person.is_active):  # nobody to sign in: no bell, no list
            assert selectors.unread_count_for(actor=person) == 0
            with pytest.raises(PermissionDenied):
                selectors.notification_page_for(actor=person, cursor=Cursor())
            continue
        page = selectors.notification_page_for(actor=person, cursor=Cursor(limit=1000))
        assert all(n.recipient_id == person.pk for n in page.items)
        shown = {n.post_id for n in page.items}
        assert shown == set(access.visible(person, Post.objects.filter(pk__in=shown)).values_list("pk", flat=True))
        assert all(n.post.hidden_at is None for n in page.items)
        mine = Notification.objects.filter(recipient=person)
        assert selectors.unread_count_for(actor=person) == min(mine.count(), selectors.BELL_MAX + 1)
        others = Notification.objects.exclude(recipient=person)[:5]
        assert not any(
            access.can(person, action, n) for n in others for action in (Action.VIEW, Action.EDIT, Action.DELETE)
        )
        assert all(access.can(person, Action.EDIT, n) for n in mine[:5])


# --- the pages: everyone signed in has their own; nobody reads, opens or marks another's -------------

ROLES = ["anonymous", "guest", "employee", "network_admin", "recipient"]
# "ok" = allowed (a redirect for the forms and the link that opens a notification), 404 = not visible,
# "login" = sent to the sign-in page. Columns follow ROLES; the notification is the recipient's.
TABLE = """
    list_page     login ok  ok  ok  ok
    menu          login ok  ok  ok  ok
    open          login 404 404 404 ok
    mark_read     login 404 404 404 ok
    mark_all_read login ok  ok  ok  ok
"""
PAGES = {
    "list_page": ("notifications:list", False, "get"),
    "menu": ("notifications:menu", False, "get"),
    "open": ("notifications:open", True, "get"),
    "mark_read": ("notifications:read", True, "post"),
    "mark_all_read": ("notifications:read-all", False, "post"),
}


def _cells() -> dict[tuple[str, str], str]:
    cells = {}
    for line in TABLE.strip().splitlines():
        row, *answers = line.split()
        assert len(answers) == len(ROLES), line
        cells.update({(row, role): answer for role, answer in zip(ROLES, answers, strict=True)})
    return cells


EXPECTED = _cells()


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_pages(client, db: None, role: str, page: str) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.urls import reverse

    from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory

    recipient = UserFactory()
    notification = Notification.objects.create(recipient=recipient, kind="follow", actor=UserFactory())
    actor = {
        "anonymous": AnonymousUser,
        "guest": GuestFactory,
        "employee": UserFactory,
        "network_admin": AdminFactory,
        "recipient": lambda: recipient,
    }[role]()
    if role != "anonymous":
        client.force_login(actor)
    url_name, per_notification, method = PAGES[page]
    kwargs = {"notification_id": notification.pk} if per_notification else {}
    response = getattr(client, method)(reverse(url_name, kwargs=kwargs))
    answer = EXPECTED[page, role]
    if answer == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif answer == "ok":
        assert response.status_code in {200, 302}
    else:
        assert response.status_code == int(answer)
        notification.refresh_from_db()
        assert notification.read_at is None  # nothing changed for its recipient
    if per_notification and role not in {"anonymous", "recipient"}:  # a missing one answers alike
        missing = reverse(url_name, kwargs={"notification_id": notification.pk + 1000})
        assert getattr(client, method)(missing).status_code == response.status_code
