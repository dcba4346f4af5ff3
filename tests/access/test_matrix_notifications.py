"""Notifications never reveal a post to someone who may not see it, generated from the policy's world; and
the settings (kinds, spaces, muted threads) are each person's own, a thread muted only by who may see it.

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
from tests.access.conftest import assert_answer, read_table
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


def test_a_mention_of_a_few_people_decided_one_by_one_tells_exactly_who_may_read_it(
    world: World, everyone: list[User]
) -> None:
    """Up to ``consumers.FEW`` people are decided on loaded rows (``access.visible_among``), not by one query."""
    groups = [everyone[i : i + consumers.FEW] for i in range(0, len(everyone), consumers.FEW)]
    for post in Post.objects.select_related("space"):
        for n, group in enumerate(groups):
            source = {"post_id": post.pk, "space_id": post.space_id, "actor_id": post.author_id}
            Notification.objects.filter(post=post).delete()
            consumers.inbox(PostCreated(**source, mentioned_ids=tuple(p.pk for p in group)))
            expected = _expected(post, group, post.author_id)
            assert _told(post=post, kind="mention") == expected, (post.body, n)


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


EXPECTED = read_table(TABLE, ROLES)


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
    assert_answer(response, answer)
    if answer not in {"login", "ok"}:
        notification.refresh_from_db()
        assert notification.read_at is None  # nothing changed for its recipient
    if per_notification and role not in {"anonymous", "recipient"}:  # a missing one answers alike
        missing = reverse(url_name, kwargs={"notification_id": notification.pk + 1000})
        assert getattr(client, method)(missing).status_code == response.status_code


# --- the settings: everyone signed in chooses their own; a thread is muted by who may see its post ------


def test_a_thread_may_be_muted_by_exactly_who_may_see_its_post_and_for_themselves_only(
    world: World, everyone: list[User]
) -> None:
    from essaim.notifications.models import ThreadMute

    people = [*everyone, world.actors["anonymous"]]
    other = world.actors["employee"]
    for post in Post.objects.select_related("space", "author"):
        for person in people:
            mine = ThreadMute(user_id=person.pk, post=post)
            sees = access.can(person, Action.VIEW, post)
            assert access.can(person, Action.MUTE_THREAD, mine) == sees, (person, post.body)
            if person.pk != other.pk:
                assert not access.can(person, Action.MUTE_THREAD, ThreadMute(user_id=other.pk, post=post))


def test_a_setting_is_its_persons_alone(world: World, everyone: list[User]) -> None:
    from essaim.notifications.models import NotificationSetting, SpaceNotificationLevel

    space = world.spaces["public"]
    for person in everyone:
        NotificationSetting.objects.create(user=person, kind="follow", channel="nothing")
        SpaceNotificationLevel.objects.create(user=person, space=space, level="nothing")
    for person in [*everyone, world.actors["anonymous"]]:
        for model in (NotificationSetting, SpaceNotificationLevel):
            rows = list(access.visible(person, model.objects.all()))
            signed_in = person.is_authenticated and person.is_active  # a deactivated account has none
            assert [row.user_id for row in rows] == ([person.pk] if signed_in else [])
            assert not any(access.can(person, Action.EDIT, row) for row in model.objects.exclude(user_id=person.pk))


SETTINGS_ROLES = ["anonymous", "guest", "employee", "member", "network_admin"]
# Columns follow SETTINGS_ROLES. "member" belongs to the public and the secret space; the guest to none.
SETTINGS_TABLE = """
    settings_page        login ok  ok  ok  ok
    settings_save        login ok  ok  ok  ok
    mute_company_post    login 404 ok  ok  ok
    mute_public_space    login 404 ok  ok  ok
    mute_secret_space    login 404 404 ok  404
"""


SETTINGS_EXPECTED = read_table(SETTINGS_TABLE, SETTINGS_ROLES)


@pytest.mark.parametrize("surface", sorted({row for row, _role in SETTINGS_EXPECTED}))
@pytest.mark.parametrize("role", SETTINGS_ROLES)
def test_settings_surfaces(client, db: None, role: str, surface: str) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.urls import reverse

    from essaim.notifications.models import ThreadMute
    from essaim.spaces.models import Membership, Space
    from essaim.stream import services as stream_services
    from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory
    from tests.spaces.factories import SpaceFactory

    author = UserFactory()
    spaces = {v: SpaceFactory(visibility=v) for v in (Space.Visibility.PUBLIC, Space.Visibility.SECRET)}
    member = UserFactory()
    for space in spaces.values():
        for person in (author, member):
            Membership.objects.create(space=space, user=person, role=Membership.Role.MEMBER)
    posts = {
        "mute_company_post": stream_services.post_create(actor=author, body="Pour tous"),
        "mute_public_space": stream_services.post_create(actor=author, body="Atelier", space=spaces["public"]),
        "mute_secret_space": stream_services.post_create(actor=author, body="Secret", space=spaces["secret"]),
    }
    actor = {
        "anonymous": AnonymousUser,
        "guest": GuestFactory,
        "employee": UserFactory,
        "member": lambda: member,
        "network_admin": AdminFactory,
    }[role]()
    if role != "anonymous":
        client.force_login(actor)
    if surface == "settings_page":
        response = client.get(reverse("notifications:settings"))
    elif surface == "settings_save":
        response = client.post(reverse("notifications:settings"), {"channel_follow": "nothing"})
    else:
        response = client.post(reverse("stream:post-mute", kwargs={"post_id": posts[surface].pk}), {"muted": "1"})
    answer = SETTINGS_EXPECTED[surface, role]
    assert_answer(response, answer)
    if surface.startswith("mute_"):
        assert ThreadMute.objects.filter(post=posts[surface]).exists() == (answer == "ok")
        if role != "anonymous":  # a missing post answers alike
            missing = reverse("stream:post-mute", kwargs={"post_id": max(p.pk for p in posts.values()) + 1000})
            assert client.post(missing, {"muted": "1"}).status_code == (404 if answer != "login" else 302)


# --- reading markers (Mastodon's /api/v1/markers): everyone signed in keeps their own ---------------------

MARKER_ROLES = ["anonymous", "guest", "employee", "network_admin", "deactivated"]
MARKER_TABLE = """
    markers_read  401 200 200 200 401
    markers_save  401 200 200 200 401
"""
MARKER_EXPECTED = read_table(MARKER_TABLE, MARKER_ROLES)


@pytest.mark.parametrize("surface", ["markers_read", "markers_save"])
@pytest.mark.parametrize("role", MARKER_ROLES)
def test_markers(client, db: None, role: str, surface: str) -> None:
    from essaim.notifications.models import Marker
    from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory

    someone = UserFactory()
    theirs = Marker.objects.create(user=someone, timeline="home", last_read_id=77)
    people = {
        "guest": GuestFactory,
        "employee": UserFactory,
        "network_admin": AdminFactory,
        "deactivated": lambda: UserFactory(is_active=False),
    }
    actor = people[role]() if role in people else None
    if actor is not None:
        client.force_login(actor)
    if surface == "markers_read":
        response = client.get("/api/v1/markers")
        if response.status_code == 200:
            assert response.json() == {}  # never someone else's
    else:
        response = client.post("/api/v1/markers", {"home[last_read_id]": "5"})
    assert response.status_code == int(MARKER_EXPECTED[surface, role])
    theirs.refresh_from_db()
    assert (theirs.last_read_id, theirs.version) == (77, 1)
    if actor is not None:
        assert not any(access.can(actor, action, theirs) for action in (Action.VIEW, Action.EDIT, Action.DELETE))


# --- notification settings in the API (/api/v1/notifications/settings): everyone signed in chooses their own ------

SETTINGS_API_ROLES = ["anonymous", "guest", "employee", "member", "network_admin", "deactivated"]
# Columns follow SETTINGS_API_ROLES. "member" belongs to the public and the secret space; nobody else to either.
# A level is set only for a space one belongs to: one seen but not joined, a secret one and one that does not
# exist are refused alike (422, the same message), so the answer tells nothing of a secret space.
SETTINGS_API_TABLE = """
    settings_api_read           401 200 200 200 200 401
    settings_api_save           401 200 200 200 200 401
    settings_api_public_space   401 422 422 200 422 401
    settings_api_secret_space   401 422 422 200 422 401
    settings_api_missing_space  401 422 422 422 422 401
"""
SETTINGS_API_EXPECTED = read_table(SETTINGS_API_TABLE, SETTINGS_API_ROLES)


@pytest.mark.parametrize("surface", sorted({row for row, _role in SETTINGS_API_EXPECTED}))
@pytest.mark.parametrize("role", SETTINGS_API_ROLES)
def test_settings_api(client, db: None, role: str, surface: str) -> None:
    from essaim.notifications.models import EmailPreferences, NotificationSetting, SpaceNotificationLevel
    from essaim.spaces.models import Membership, Space
    from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory
    from tests.spaces.factories import SpaceFactory

    someone = UserFactory()
    theirs = NotificationSetting.objects.create(user=someone, kind="follow", channel="nothing")
    EmailPreferences.objects.create(user=someone, digest="daily")
    spaces = {v: SpaceFactory(visibility=v) for v in (Space.Visibility.PUBLIC, Space.Visibility.SECRET)}
    member = UserFactory()
    for space in spaces.values():
        Membership.objects.create(space=space, user=member, role=Membership.Role.MEMBER)
    people = {
        "guest": GuestFactory,
        "employee": UserFactory,
        "member": lambda: member,
        "network_admin": AdminFactory,
        "deactivated": lambda: UserFactory(is_active=False),
    }
    actor = people[role]() if role in people else None
    if actor is not None:
        client.force_login(actor)
    url = "/api/v1/notifications/settings"
    space_ids = {
        "settings_api_public_space": spaces["public"].pk,
        "settings_api_secret_space": spaces["secret"].pk,
        "settings_api_missing_space": max(space.pk for space in spaces.values()) + 1000,
    }
    if surface == "settings_api_read":
        response = client.get(url)
    elif surface == "settings_api_save":
        body = {"channels": {"follow": "app_email"}, "digest": "never"}
        response = client.patch(url, body, content_type="application/json")
    else:
        response = client.patch(url, {"spaces": {str(space_ids[surface]): "all"}}, content_type="application/json")
    assert response.status_code == int(SETTINGS_API_EXPECTED[surface, role])
    if response.status_code == 422:
        assert response.json()["error_description"] == "You can only choose for the spaces you belong to."
    if surface == "settings_api_save" and response.status_code == 200:  # their own, never someone else's
        assert (response.json()["channels"]["follow"], response.json()["digest"]) == ("app_email", "never")
    elif response.status_code == 200:
        assert (response.json()["channels"]["follow"], response.json()["digest"]) == ("app", "weekly")
    levels = list(SpaceNotificationLevel.objects.values_list("user_id", "space_id", "level"))
    assert levels == (
        [(actor.pk, space_ids[surface], "all")] if response.status_code == 200 and "space" in surface else []
    )
    if response.status_code != 200:  # nothing saved
        assert NotificationSetting.objects.count() == EmailPreferences.objects.count() == 1
    theirs.refresh_from_db()
    assert (theirs.channel, EmailPreferences.objects.get(user=someone).digest) == ("nothing", "daily")
    if actor is not None:
        assert not any(access.can(actor, action, theirs) for action in (Action.VIEW, Action.EDIT, Action.DELETE))
