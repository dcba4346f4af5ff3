"""``access.readers(post)``, "who may see this post", proven against ``visible``; and the two hand-written
encodings of that question that the home feed uses, proven against it.

The world is ``test_visible_among``'s (a post of every kind: company, followers, mentioned, in every kind
of space, archived ones and sub-spaces included, hidden or not; readers of every kind: employees, a guest,
a network administrator, a compliance officer, a space moderator, a deactivated person), every post
carrying one tag that some of them follow, and one more employee who has no tie to anything.

* ``readers(post)`` is exactly the people for whom ``visible`` keeps the post.
* **Delivery** (``stream.timelines.audience``): a post is *for* a person when they wrote it, belong to its
  space, or — outside spaces and in public spaces only — follow its author or are mentioned in it. A
  post's readers it is for are exactly its audience's readers: delivery gives each reader what
  ``timelines.rebuild`` gives them (its audience also holds people who may not read it — a mentioned guest
  outside the space, a deactivated follower —, which is harmless: the feed re-checks every post).
* **Followed tags** (the tag branch of ``post_rows.home_page``): a tag brings the posts of it that every
  employee may read — those a person with no tie to them reads —, and only those: nothing it brings can
  be hidden from any employee who may follow a tag.
* The home feed is then, for each person, their readable posts that are for them or carry a tag they
  follow and that every employee may read; checked end to end through ``feed_home``.
"""

from __future__ import annotations

from typing import Any

import pytest

from essaim import access
from essaim.accounts.models import User
from essaim.core.pagination import Cursor
from essaim.people.models import Follow
from essaim.spaces.models import Membership, Space
from essaim.stream import post_rows, selectors, services, timelines
from essaim.stream.models import Comment, HomeEntry, Mention, Post, PostTag, Tag, TagFollow
from tests.access import test_visible_among
from tests.access.test_visible_among import World
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory

world = test_visible_among.world  # the fixture, shared
TAG_FOLLOWERS = ["employee", "network_admin", "compliance_officer", "space_moderator", "guest_member", "deactivated"]
EVERYTHING = Cursor(limit=10_000)


@pytest.fixture
def tag(world: World) -> Tag:
    tag = services.tag_get_or_create(name="partout")
    PostTag.objects.bulk_create([PostTag(post=post, tag=tag) for post in Post.objects.all()])
    TagFollow.objects.bulk_create([TagFollow(user=world.actors[name], tag=tag) for name in TAG_FOLLOWERS])
    return tag


@pytest.fixture
def nobody(world: World) -> User:
    """An employee in no space, following no one, mentioned nowhere."""
    return UserFactory(handle="sans.lien")


@pytest.fixture
def people(nobody: User) -> list[User]:
    """Everyone, and three people whose flags are easy to misread: a guest given the compliance officer's
    and the communication team's flags, a superuser without the network administrator's, and a
    deactivated network administrator."""
    GuestFactory(handle="invite.drapeaux", is_compliance_officer=True, is_communication_team=True)
    UserFactory(handle="super.utilisateur", is_superuser=True, is_network_admin=False)
    AdminFactory(handle="admin.parti", is_active=False)
    return list(User.objects.order_by("pk"))


def _posts() -> list[Post]:
    return list(Post.objects.select_related("space").order_by("pk"))


def _visible_to(people: list[User]) -> dict[int, set[int]]:
    """Person id → the ids of the posts ``visible`` keeps for them."""
    return {p.pk: set(access.visible(p, Post.objects.all()).values_list("pk", flat=True)) for p in people}


def _for_them(post: Post, person: User) -> bool:
    """The delivery rule, stated on its own: the post is for ``person`` (whether or not they may read it)."""
    if post.author_id == person.pk:
        return True
    if post.space_id is not None and Membership.objects.filter(space_id=post.space_id, user=person).exists():
        return True
    if post.space_id is not None and post.space.visibility != Space.Visibility.PUBLIC:
        return False
    follows = Follow.objects.filter(follower=person, followed_id=post.author_id).exists()
    return follows or Mention.objects.filter(post=post, user=person, comment__isnull=True).exists()


def test_readers_of_a_post_are_the_people_visible_keeps_it_for(world: World, people: list[User]) -> None:
    visible = _visible_to(people)
    for post in _posts():
        expected = {person for person, posts in visible.items() if post.pk in posts}
        assert set(access.readers(post).values_list("pk", flat=True)) == expected, post.body


def test_readers_of_a_comment_are_its_posts(world: World, people: list[User]) -> None:
    for comment in Comment.objects.select_related("post__space")[:40]:
        assert set(access.readers(comment)) == set(access.readers(comment.post))


def test_readers_is_one_query(world: World, django_assert_num_queries: Any) -> None:
    post = Post.objects.select_related("space").filter(space__isnull=False, hidden_at__isnull=False).first()
    assert post is not None
    with django_assert_num_queries(1):
        list(access.readers(post))


def test_a_policy_without_a_reverse_form_says_so(world: World) -> None:
    with pytest.raises(LookupError, match="no reverse form"):
        access.readers(world.spaces["public"])


def test_the_world_gives_every_kind_of_answer(world: World, people: list[User]) -> None:
    """A guard on the fixture: readers in numbers from none (a deactivated person's post) to everyone, and
    posts whose audience holds people who may not read them."""
    posts = _posts()
    sizes = {len(access.readers(post)) for post in posts}
    employees = User.objects.filter(is_active=True, kind=User.Kind.EMPLOYEE).count()
    assert {0, 1, employees} <= sizes  # a company post: every active employee
    assert len(sizes) > 5
    assert any(timelines.audience(post) - set(access.readers(post).values_list("pk", flat=True)) for post in posts)


class TestDelivery:
    @pytest.fixture(autouse=True)
    def mentions_in_comments(self, world: World) -> None:
        """Everyone mentioned in a comment on a company post and on a public space's: no delivery for it."""
        people = [actor for actor in world.actors.values() if isinstance(actor, User)]
        for post in (
            Post.objects.filter(space__isnull=True, visibility="company", hidden_at__isnull=True).first(),
            Post.objects.filter(space=world.spaces["public"], hidden_at__isnull=True).first(),
        ):
            assert post is not None
            comment = Comment.objects.create(post=post, author=post.author, body="@tous")
            Mention.objects.bulk_create([Mention(post=post, comment=comment, user=p) for p in people])

    def test_each_posts_audience_holds_exactly_its_readers_it_is_for(self, world: World, people: list[User]) -> None:
        for post in _posts():
            readers = set(access.readers(post).values_list("pk", flat=True))
            expected = {person.pk for person in people if person.pk in readers and _for_them(post, person)}
            assert timelines.audience(post) & readers == expected, post.body

    def test_delivery_gives_each_reader_what_rebuilding_their_timeline_gives(
        self, world: World, people: list[User]
    ) -> None:
        posts = _posts()
        audiences = {post.pk: timelines.audience(post) for post in posts}
        readers = {post.pk: set(access.readers(post).values_list("pk", flat=True)) for post in posts}
        for person in people:
            delivered = {p for p, owners in audiences.items() if person.pk in owners and person.pk in readers[p]}
            timelines.rebuild(user=person, keep=len(posts))
            assert set(HomeEntry.objects.filter(owner=person).values_list("post_id", flat=True)) == delivered


class TestFollowedTags:
    def _branch(self, tag: Tag) -> set[int]:
        """The tag's posts as the home feed reads them (for someone whose timeline is empty)."""
        return {post.pk for post in post_rows.home_page(owner_id=0, tag_ids=[tag.pk], cursor=EVERYTHING)}

    def test_a_tag_brings_what_a_reader_with_no_tie_reads(self, world: World, tag: Tag, nobody: User) -> None:
        branch = self._branch(tag)
        assert branch == set(access.visible(nobody, Post.objects.all()).values_list("pk", flat=True))
        assert branch  # and not everything:
        assert branch != set(Post.objects.values_list("pk", flat=True))

    def test_nothing_a_tag_brings_is_hidden_from_anyone_who_may_follow_it(
        self, world: World, tag: Tag, people: list[User]
    ) -> None:
        branch = self._branch(tag)
        may_follow = [person for person in people if access.can(person, access.Action.FOLLOW_TAG)]
        assert len(may_follow) > 3
        for post in Post.objects.select_related("space").filter(pk__in=branch):
            assert set(may_follow) <= set(access.readers(post)), post.body


def test_the_home_feed_is_each_persons_readable_posts_for_them_or_their_tags(
    world: World, tag: Tag, people: list[User], nobody: User
) -> None:
    posts = _posts()
    for post in posts:
        timelines.deliver(post_id=post.pk)
    visible = _visible_to(people)
    every_employee_reads = visible[nobody.pk]
    followers = set(TagFollow.objects.values_list("user_id", flat=True))
    for person in people:
        tagged = (
            every_employee_reads if person.pk in followers and access.can(person, access.Action.FOLLOW_TAG) else set()
        )
        expected = {p.pk for p in posts if p.pk in visible[person.pk] and (_for_them(p, person) or p.pk in tagged)}
        _pinned, page = selectors.feed_home(actor=person, cursor=EVERYTHING, with_announcements=False)
        assert {p.pk for p in page.items} == expected, person.handle
