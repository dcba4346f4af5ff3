"""The saved posts (bookmarks) permission matrix: who may save a post, by reader and by where the post is, and whose
saved posts a list shows.

"ok" = may save it (and it shows in their saved posts once saved); 404 = the post is not readable (answered as a
missing one, and left out of their saved posts even when saved earlier). Saving is a reader's right: whoever reads
a post may save it for themselves. The table is stated once and checked against ``access``, the page's "Save"
button, Mastodon's ``bookmark`` and the lists (the Saved page and ``GET /api/v1/bookmarks``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from essaim import access
from essaim.access import Action
from essaim.api.services import personal_token_create
from essaim.people.models import Follow
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream
from essaim.stream.models import Bookmark, Post, Visibility
from tests.access.conftest import assert_answer, read_table, sign_in_as, world_for_module
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory

READERS = ["anonymous", "guest", "employee", "member", "author", "network_admin", "compliance"]
PLACES = ["company", "followers", "public", "secret", "hidden"]

TABLE = """
              anon guest employee member author netadm compl
    company   404  404   ok       ok     ok     ok     ok
    followers 404  404   404      ok     ok     404    404
    public    404  404   ok       ok     ok     ok     ok
    secret    404  404   404      ok     ok     404    404
    hidden    404  404   404      404    ok     ok     404
"""
EXPECTED = read_table(TABLE, READERS, header=True)


@dataclass
class World:
    readers: dict[str, Any]
    posts: dict[str, Post]
    tokens: dict[str, str]
    others_only: Post


def _build() -> World:
    readers: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "guest": GuestFactory(),
        "employee": UserFactory(),
        "member": UserFactory(),
        "author": UserFactory(),
        "network_admin": AdminFactory(),
        "compliance": UserFactory(is_compliance_officer=True),
    }
    author = readers["author"]
    Follow.objects.create(follower=readers["member"], followed=author)
    spaces = {
        kind: Space.objects.create(name=kind, slug=f"bm-{kind}", visibility=kind) for kind in ("public", "secret")
    }
    for space in spaces.values():
        Membership.objects.create(space=space, user=author)
        Membership.objects.create(space=space, user=readers["member"])
    posts = {
        "company": stream.post_create(actor=author, body="Pour tous"),
        "followers": stream.post_create(actor=author, body="Abonnés", visibility=Visibility.FOLLOWERS),
        "public": stream.post_create(actor=author, body="Espace public", space=spaces["public"]),
        "secret": stream.post_create(actor=author, body="Espace secret", space=spaces["secret"]),
        "hidden": stream.post_create(actor=author, body="Masqué"),
    }
    Post.objects.filter(pk=posts["hidden"].pk).update(hidden_at=timezone.now())
    # Everyone saved every post while they could read it (rows written directly): the lists must show only those
    # each reader may read now, and only their own.
    people = [user for user in readers.values() if user.pk]
    Bookmark.objects.bulk_create([Bookmark(user=user, post=post) for user in people for post in posts.values()])
    others_only = stream.post_create(actor=author, body="Sauvé par une autre")
    stream.bookmark_add(actor=UserFactory(), post=others_only)
    tokens = {role: personal_token_create(actor=user, name="t")[1] for role, user in readers.items() if user.pk}
    return World(readers=readers, posts=posts, tokens=tokens, others_only=others_only)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    yield from world_for_module(django_db_blocker, _build)


CELLS = [pytest.param(place, reader, id=f"{place}-{reader}") for place in PLACES for reader in READERS]


@pytest.mark.parametrize(("place", "reader"), CELLS)
def test_policy(world: World, db: None, place: str, reader: str) -> None:
    actor, answer = world.readers[reader], EXPECTED[place, reader]
    post = Post.objects.select_related("space", "author").get(pk=world.posts[place].pk)
    assert access.can(actor, Action.BOOKMARK, post) is (answer == "ok")
    assert access.can(actor, Action.VIEW, post) is (answer == "ok")


@pytest.mark.parametrize(("place", "reader"), CELLS)
def test_policy_of_a_saved_row(world: World, db: None, place: str, reader: str) -> None:
    """A save is seen by its person only, while they may read the post; taken back by them alone."""
    actor, answer = world.readers[reader], EXPECTED[place, reader]
    saves = Bookmark.objects.select_related("post__space", "post__author").filter(post=world.posts[place])
    for save in saves:
        mine = actor.pk is not None and save.user_id == actor.pk
        assert access.can(actor, Action.VIEW, save) is (mine and answer == "ok")
        assert access.can(actor, Action.DELETE, save) is mine


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(("place", "reader"), CELLS)
def test_page_save_button(world: World, module_client: Client, place: str, reader: str) -> None:
    sign_in_as(module_client, world.readers[reader])
    response = module_client.post(f"/posts/{world.posts[place].pk}/save", {"saved": "1"})
    assert_answer(response, "login" if reader == "anonymous" else EXPECTED[place, reader])


@pytest.mark.parametrize(
    ("place", "reader"), [pytest.param(p, r, id=f"{p}-{r}") for p in PLACES for r in READERS if r != "anonymous"]
)
def test_api_bookmark(world: World, db: None, place: str, reader: str) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[reader]}")
    for verb in ("bookmark", "unbookmark"):
        response = client.post(f"/api/v1/statuses/{world.posts[place].pk}/{verb}")
        assert response.status_code == (200 if EXPECTED[place, reader] == "ok" else 404)


@pytest.mark.parametrize("reader", [r for r in READERS if r != "anonymous"])
def test_lists_show_ones_own_saves_of_readable_posts_only(world: World, db: None, reader: str) -> None:
    readable = {str(world.posts[place].pk) for place in PLACES if EXPECTED[place, reader] == "ok"}
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[reader]}")
    assert {s["id"] for s in client.get("/api/v1/bookmarks", {"limit": "40"}).json()} == readable
    page = Client()
    page.force_login(world.readers[reader])
    html = page.get("/saved/").text
    for place in PLACES:
        assert (f'id="post-{world.posts[place].pk}"' in html) is (EXPECTED[place, reader] == "ok")
    assert f'id="post-{world.others_only.pk}"' not in html


def test_anonymous_is_sent_to_sign_in_and_the_api_answers_401(world: World, db: None) -> None:
    assert_answer(Client().get("/saved/"), "login")
    assert Client().get("/api/v1/bookmarks").status_code == 401
    assert Client().post(f"/api/v1/statuses/{world.posts['company'].pk}/bookmark").status_code == 401
