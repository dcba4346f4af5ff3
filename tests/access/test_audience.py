"""``access.audience``: a post's audience and a reader's keys, proven against ``visible`` and the home feed.

The world is ``test_readers``'s (every kind of post and person, a tag on every post that some follow).
A live connection decides with keys alone whether its reader may see a post and whether the post belongs
in their home feed; these tests say that decision is exactly the database's, for every pair.
"""

from __future__ import annotations

import pytest

from essaim.access import audience
from essaim.accounts.models import User
from essaim.spaces.models import Membership
from essaim.stream import selectors, timelines
from essaim.stream.models import Mention, Post, PostTag, Tag
from tests.access import test_readers
from tests.access.test_visible_among import World

world, tag, nobody, people = test_readers.world, test_readers.tag, test_readers.nobody, test_readers.people


def _mentioned(post: Post) -> list[int]:
    return list(Mention.objects.filter(post=post, comment__isnull=True).values_list("user_id", flat=True))


def _tags(post: Post) -> list[int]:
    return list(PostTag.objects.filter(post=post).values_list("tag_id", flat=True))


def test_a_post_admits_exactly_the_readers_visible_keeps_it_for(world: World, people: list[User]) -> None:
    keys = {person.pk: audience.reader_keys(person) for person in people}
    visible = test_readers._visible_to(people)
    for post in test_readers._posts():
        clauses = audience.post_audience(post, _mentioned(post))
        admitted = {pk for pk, held in keys.items() if audience.admits(clauses, held)}
        assert admitted == {pk for pk, posts in visible.items() if post.pk in posts}, post.body


def test_a_spaces_audience_is_who_reads_its_posts_that_are_not_hidden(world: World) -> None:
    for post in test_readers._posts():
        if post.space_id is None or post.hidden_at is not None:
            continue
        assert audience.space_audience(post.space) == audience.post_audience(post), post.body


def test_home_keys_bring_a_readable_post_home_exactly_when_the_home_feed_shows_it(
    world: World, tag: Tag, people: list[User]
) -> None:
    posts = test_readers._posts()
    for post in posts:
        timelines.deliver(post_id=post.pk)
    for person in people:
        held = audience.reader_keys(person)
        expected = set()
        for post in posts:
            mentioned = _mentioned(post)
            readable = audience.admits(audience.post_audience(post, mentioned), held)
            if readable and any(key in held for key in audience.home_keys(post, mentioned, _tags(post))):
                expected.add(post.pk)
        _pinned, page = selectors.feed_home(actor=person, cursor=test_readers.EVERYTHING, with_announcements=False)
        assert {p.pk for p in page.items} == expected, person.handle


def test_a_readers_keys_follow_their_memberships(world: World) -> None:
    person = world.actors["employee"]
    assert isinstance(person, User)
    space = world.spaces["secret"]
    before = audience.reader_keys(person)
    Membership.objects.update_or_create(user=person, space=space, defaults={"role": "moderator"})
    after = audience.reader_keys(person)
    assert {f"s{space.pk}", f"m{space.pk}"} <= after - before


def test_signed_out_and_deactivated_readers_hold_no_key(world: World, people: list[User]) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert audience.reader_keys(AnonymousUser()) == frozenset()
    for person in people:
        if not person.is_active:
            assert audience.reader_keys(person) == frozenset()


@pytest.mark.parametrize(("clauses", "keys", "admitted"), [
    ([("E",)], frozenset({"E"}), True),
    ([("s1", "u2")], frozenset({"s1"}), False),
    ([("s1", "u2"), ("m1",)], frozenset({"m1"}), True),
    ([], frozenset({"E", "A", "C"}), False),
])  # fmt: skip
def test_admits_needs_every_key_of_one_clause(
    clauses: list[tuple[str, ...]], keys: frozenset[str], admitted: bool
) -> None:
    assert audience.admits(clauses, keys) is admitted
