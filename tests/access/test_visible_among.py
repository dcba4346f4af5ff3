"""``access.visible_among``: the post visibility rule decided on loaded rows says what ``visible`` says.

The home feed reads its page by primary key and filters it with ``visible_among`` instead of
the SQL filter of ``visible``. Both forms must agree for every kind of post and every kind of
reader, or the feed would show what a post's page answers 404 for (or hide what it shows).
The world below holds one post of every kind; each actor is compared on all of them at once.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from essaim import access
from essaim.access.policy import LoadedRowsPolicy, _policy_for
from essaim.accounts.models import User
from essaim.people.models import Follow
from essaim.spaces.models import Membership, Space
from essaim.stream.models import Comment, Mention, Post, Visibility
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory
from tests.spaces.factories import SpaceFactory

Role = Membership.Role
ACTORS = [
    "employee",
    "guest_member",
    "network_admin",
    "compliance_officer",
    "space_moderator",
    "deactivated",
    "anonymous",
]


@dataclass
class World:
    actors: dict[str, Any]
    spaces: dict[str, Space]


def _spaces() -> dict[str, Space]:
    public = SpaceFactory(name="Atelier", visibility=Space.Visibility.PUBLIC)
    private = SpaceFactory(name="Direction", visibility=Space.Visibility.PRIVATE)
    return {
        "public": public,
        "private": private,
        "secret": SpaceFactory(name="Projet X", visibility=Space.Visibility.SECRET),
        "archived": SpaceFactory(name="Ancien", visibility=Space.Visibility.PUBLIC, archived_at=timezone.now()),
        "archived_private": SpaceFactory(
            name="Ancien privé", visibility=Space.Visibility.PRIVATE, archived_at=timezone.now()
        ),
        # A moderator of the parent space moderates nothing in its sub-spaces.
        "sub_private": SpaceFactory(name="Sous-privé", visibility=Space.Visibility.PRIVATE, parent=public),
        "sub_public": SpaceFactory(name="Sous-public", visibility=Space.Visibility.PUBLIC, parent=private),
    }


def _actors() -> dict[str, Any]:
    return {
        "employee": UserFactory(handle="lea.martin"),
        "guest_member": GuestFactory(handle="gaspard.extern"),
        "network_admin": AdminFactory(handle="adele.admin"),
        "compliance_officer": UserFactory(handle="claire.conformite", is_compliance_officer=True),
        "space_moderator": UserFactory(handle="mo.derateur"),
        "deactivated": UserFactory(handle="ancien.salarie", is_active=False),
        "anonymous": AnonymousUser(),
    }


# (actor, space, role): who holds which role where. Everyone else is a stranger to the space.
MEMBERSHIPS = [
    ("employee", "public", Role.MEMBER),
    ("employee", "private", Role.READER),
    ("employee", "archived_private", Role.MEMBER),
    ("guest_member", "private", Role.MEMBER),
    ("guest_member", "sub_public", Role.READER),
    ("network_admin", "public", Role.ADMIN),
    ("space_moderator", "public", Role.MODERATOR),
    ("space_moderator", "private", Role.OWNER),
    ("space_moderator", "secret", Role.MODERATOR),
    ("space_moderator", "archived", Role.MODERATOR),
    ("space_moderator", "archived_private", Role.ADMIN),
    ("space_moderator", "sub_private", Role.MEMBER),
    ("deactivated", "private", Role.MEMBER),
]


def _posts_outside_spaces(
    authors: Iterable[User], mention_sets: list[list[User]], others: list[User]
) -> list[tuple[Post, list[User]]]:
    """Company / followers / mentioned × every author × mention sets × hidden or not."""
    made = []
    for author in authors:
        for visibility in Visibility.values:
            for mentioned in mention_sets:
                for hidden in (False, True):
                    post = Post(
                        author=author,
                        body=f"{visibility} by {author.handle}",
                        visibility=visibility,
                        hidden_at=timezone.now() if hidden else None,
                    )
                    made.append((post, mentioned))
    # A post mentioning someone only in a comment: that mention opens nothing.
    made.append((Post(author=others[1], body="commentaire", visibility=Visibility.MENTIONED), []))
    return made


def _posts_in_spaces(spaces: dict[str, Space], authors: Iterable[User]) -> list[Post]:
    """Every space × every author × (company, mentioned) × hidden or not: the post's own visibility
    and mentions never widen a space."""
    made = []
    for space in spaces.values():
        for author in authors:
            for visibility in (Visibility.COMPANY, Visibility.MENTIONED):
                for hidden in (False, True):
                    made.append(
                        Post(
                            author=author,
                            space=space,
                            body=f"{visibility} in {space.name}",
                            visibility=visibility,
                            hidden_at=timezone.now() if hidden else None,
                        )
                    )
    return made


@pytest.fixture
def world(db: None) -> World:
    actors = _actors()
    people = {name: actor for name, actor in actors.items() if name != "anonymous"}
    followed = UserFactory(handle="suivie")
    stranger = UserFactory(handle="inconnu")
    guest_author = GuestFactory(handle="invite.auteur")
    spaces = _spaces()
    for who, space, role in MEMBERSHIPS:
        Membership.objects.create(user=people[who], space=spaces[space], role=role)
    for space in spaces.values():  # the people who write in every space
        for author in (followed, stranger, guest_author):
            Membership.objects.create(user=author, space=space, role=Role.MEMBER)
    # Everyone follows ``followed``; the employee also follows the space moderator.
    Follow.objects.bulk_create([Follow(follower=p, followed=followed) for p in people.values()])
    Follow.objects.create(follower=people["employee"], followed=people["space_moderator"])

    names = list(people)
    mention_sets = [[], [people[n] for n in names[0::2]], [people[n] for n in names[1::2]]]
    authors = [followed, stranger, guest_author, *people.values()]
    outside = _posts_outside_spaces(authors, mention_sets, [followed, stranger])
    Post.objects.bulk_create([post for post, _mentioned in outside])
    Mention.objects.bulk_create([Mention(post=post, user=u) for post, mentioned in outside for u in mentioned])
    Post.objects.bulk_create(_posts_in_spaces(spaces, [followed, stranger, *people.values()]))

    # Mentions inside comments: on the "commentaire" post, and on a secret-space post.
    for body in ("commentaire", "company in Projet X"):
        post = Post.objects.filter(body=body, hidden_at__isnull=True).first()
        comment = Comment.objects.create(post=post, author=post.author, body="@tous")
        Mention.objects.bulk_create([Mention(post=post, comment=comment, user=p) for p in people.values()])
    # A few comments everywhere, for the fallback through ``visible``.
    Comment.objects.bulk_create(
        [Comment(post=post, author=post.author, body="Merci") for post in Post.objects.all()[::3]]
    )
    return World(actors=actors, spaces=spaces)


def _loaded_posts() -> list[Post]:
    return list(Post.objects.select_related("space"))


def _ids(rows: Iterable[Any]) -> list[int]:
    return [row.pk for row in rows]


@pytest.mark.parametrize("actor_name", ACTORS)
def test_visible_among_agrees_with_visible_on_every_kind_of_post(world: World, actor_name: str) -> None:
    actor = world.actors[actor_name]
    expected = list(access.visible(actor, Post.objects.all()).values_list("pk", flat=True))
    assert _ids(access.visible_among(actor, _loaded_posts())) == expected


@pytest.mark.parametrize("actor_name", ACTORS)
def test_can_view_one_post_agrees_with_visible_on_every_kind_of_post(world: World, actor_name: str) -> None:
    """``can(VIEW, post)`` decides on the loaded post with the same rule, one post at a time;
    its comments, reactions and files follow it."""
    actor = world.actors[actor_name]
    expected = set(access.visible(actor, Post.objects.all()).values_list("pk", flat=True))
    assert {p.pk for p in Post.objects.all() if access.can(actor, access.Action.VIEW, p)} == expected
    comments = Comment.objects.select_related("post")
    assert {c.pk for c in comments if access.can(actor, access.Action.VIEW, c)} == {
        c.pk for c in comments if c.post_id in expected
    }


@pytest.mark.parametrize("actor_name", ACTORS)
def test_visible_among_keeps_the_order_it_is_given(world: World, actor_name: str) -> None:
    actor = world.actors[actor_name]
    allowed = set(access.visible(actor, Post.objects.all()).values_list("pk", flat=True))
    shuffled = _loaded_posts()
    random.Random(actor_name).shuffle(shuffled)
    assert _ids(access.visible_among(actor, shuffled)) == [p.pk for p in shuffled if p.pk in allowed]


def test_the_world_covers_both_answers_for_every_signed_in_actor(world: World) -> None:
    """A guard on the fixture: each actor sees some posts and misses others, hidden ones included."""
    everything = Post.objects.count()
    for name in ACTORS:
        if name in {"anonymous", "deactivated"}:
            continue
        seen = access.visible(world.actors[name], Post.objects.all())
        assert 0 < seen.count() < everything, name
        assert seen.filter(space__isnull=False).exists(), name
        assert seen.filter(space__isnull=True).exists(), name
    moderator = world.actors["space_moderator"]
    assert access.visible(moderator, Post.objects.filter(hidden_at__isnull=False, space__isnull=False)).exists()


@pytest.mark.parametrize("actor_name", [a for a in ACTORS if a != "anonymous"])
@pytest.mark.parametrize("page_size", [1, 20, None])
def test_visible_among_costs_at_most_three_queries_whatever_the_page_size(
    world: World, actor_name: str, page_size: int | None, django_assert_max_num_queries: Any
) -> None:
    posts = _loaded_posts()[:page_size]
    actor = world.actors[actor_name]
    with django_assert_max_num_queries(3):
        access.visible_among(actor, posts)


def test_visible_among_asks_nothing_for_an_anonymous_actor(world: World, django_assert_num_queries: Any) -> None:
    posts = _loaded_posts()
    with django_assert_num_queries(0):
        assert access.visible_among(AnonymousUser(), posts) == []


def test_visible_among_of_nothing_is_nothing(world: World, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert access.visible_among(world.actors["employee"], []) == []


class TestFallbackThroughVisible:
    """A policy without ``visible_among`` (comments) is asked through ``visible`` on the rows' keys."""

    def test_the_comment_policy_has_no_loaded_rows_form(self) -> None:
        assert isinstance(_policy_for(Post), LoadedRowsPolicy)
        assert not isinstance(_policy_for(Comment), LoadedRowsPolicy)

    @pytest.mark.parametrize("actor_name", ACTORS)
    def test_comments_get_the_same_answer_as_visible(self, world: World, actor_name: str) -> None:
        actor = world.actors[actor_name]
        comments = list(Comment.objects.order_by("-id"))
        expected = list(access.visible(actor, Comment.objects.order_by("-id")).values_list("pk", flat=True))
        assert _ids(access.visible_among(actor, comments)) == expected

    def test_the_fallback_is_one_query(self, world: World, django_assert_num_queries: Any) -> None:
        comments = list(Comment.objects.all())
        with django_assert_num_queries(1):
            access.visible_among(world.actors["employee"], comments)


class TestSpaces:
    """Spaces too: the side column lists the actor's spaces through ``visible_among``."""

    def test_the_space_policy_has_a_loaded_rows_form(self) -> None:
        assert isinstance(_policy_for(Space), LoadedRowsPolicy)

    @pytest.mark.parametrize("actor_name", ACTORS)
    def test_spaces_get_the_same_answer_as_visible(self, world: World, actor_name: str) -> None:
        actor = world.actors[actor_name]
        expected = list(access.visible(actor, Space.objects.order_by("pk")).values_list("pk", flat=True))
        assert _ids(access.visible_among(actor, list(Space.objects.order_by("pk")))) == expected

    @pytest.mark.parametrize("actor_name", [a for a in ACTORS if a != "anonymous"])
    def test_at_most_one_query(self, world: World, actor_name: str, django_assert_max_num_queries: Any) -> None:
        spaces = list(Space.objects.all())
        with django_assert_max_num_queries(1):
            access.visible_among(world.actors[actor_name], spaces)


class TestPeople:
    """People too: a new post's ``@handles`` are looked up and checked through ``visible_among``."""

    def test_the_person_policy_has_a_loaded_rows_form(self) -> None:
        assert isinstance(_policy_for(User), LoadedRowsPolicy)

    @pytest.fixture
    def people(self, world: World) -> list[User]:
        """Everyone in the world, and three more: an employee in no space, a deactivated co-member
        of the guest's, and a guest who shares no space with anyone."""
        UserFactory(handle="sans.espace")
        GuestFactory(handle="invite.seul")
        deactivated = UserFactory(handle="parti", is_active=False)
        Membership.objects.create(user=deactivated, space=world.spaces["public"], role=Role.MEMBER)
        return list(User.objects.order_by("pk"))

    @pytest.mark.parametrize("actor_name", ACTORS)
    def test_people_get_the_same_answer_as_visible(self, world: World, people: list[User], actor_name: str) -> None:
        actor = world.actors[actor_name]
        expected = list(access.visible(actor, User.objects.order_by("pk")).values_list("pk", flat=True))
        assert _ids(access.visible_among(actor, people)) == expected

    def test_a_guest_sees_some_people_and_not_others(self, world: World, people: list[User]) -> None:
        seen = {u.handle for u in access.visible_among(world.actors["guest_member"], people)}
        assert {"suivie", world.actors["guest_member"].handle} <= seen
        assert not seen & {"sans.espace", "invite.seul", "parti"}

    @pytest.mark.parametrize("actor_name", [a for a in ACTORS if a != "anonymous"])
    def test_at_most_one_query(
        self, world: World, people: list[User], actor_name: str, django_assert_max_num_queries: Any
    ) -> None:
        with django_assert_max_num_queries(1):
            access.visible_among(world.actors[actor_name], people)
