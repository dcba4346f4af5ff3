"""The benchmark's dataset generator, at a toy size (30 people), against the app's own rules."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.dataset import SIZES, load_plan, make_plan
from essaim.accounts.models import User
from essaim.people.models import Follow
from essaim.stream import timelines
from essaim.stream.models import Comment, HomeEntry, Mention, Post, Reaction
from essaim.stream.services import render_body

TOY = SIZES["toy"]


@pytest.fixture
def plan():  # type: ignore[no-untyped-def]
    return make_plan(TOY)


@pytest.fixture
def loaded(db, plan):  # type: ignore[no-untyped-def]
    load_plan(plan, log=lambda _message: None)
    return plan


def test_the_same_seed_gives_the_same_dataset(plan):
    again = make_plan(TOY, end=plan.end)
    assert again.people == plan.people
    assert again.follows == plan.follows
    assert [(p.id, p.author, p.mentions, p.tags) for p in again.posts] == [
        (p.id, p.author, p.mentions, p.tags) for p in plan.posts
    ]
    assert again.reactions == plan.reactions


def test_a_different_seed_gives_a_different_dataset(plan):
    other = make_plan(TOY, seed=plan.seed + 1, end=plan.end)
    assert other.follows != plan.follows


def test_nobody_follows_themselves_or_twice(plan):
    assert all(a != b for a, b in plan.follows)
    assert len(set(plan.follows)) == len(plan.follows)
    assert Counter(a for a, _ in plan.follows) == dict.fromkeys(range(TOY.people), TOY.follows_mean)


def test_the_first_person_is_the_most_followed(plan):
    assert plan.follower_counts[0] == max(plan.follower_counts.values())


def test_loading_writes_every_row(loaded):
    assert User.objects.count() == TOY.people
    assert Follow.objects.count() == TOY.people * TOY.follows_mean
    assert Post.objects.count() == TOY.posts
    assert Comment.objects.count() == TOY.comments
    assert Reaction.objects.count() == TOY.reactions
    assert Mention.objects.count() == sum(len(p.mentions) for p in loaded.posts)


def test_everyone_signs_in_with_the_known_password(loaded, client):
    user = User.objects.order_by("pk").first()
    assert client.login(email=user.email, password="bench-password-0123")


def test_post_html_is_what_the_stream_renders(loaded):
    for post in Post.objects.prefetch_related("mentions__user")[:40]:
        mentioned = [m.user for m in post.mentions.all()]
        assert post.body_html == render_body(post.body, mentioned=mentioned)


def test_denormalised_counters_match_the_rows(loaded):
    for post in Post.objects.all()[:60]:
        assert post.comment_count == Comment.objects.filter(post=post).count()
        reactions = Counter(Reaction.objects.filter(post=post).values_list("emoji", flat=True))
        assert post.reaction_counts == dict(reactions)


def test_home_timelines_match_the_streams_own_rebuild(loaded):
    for user in User.objects.order_by("pk")[:10]:
        generated = set(HomeEntry.objects.filter(owner=user).values_list("post_id", flat=True))
        timelines.rebuild(user=user)
        rebuilt = set(HomeEntry.objects.filter(owner=user).values_list("post_id", flat=True))
        assert generated == rebuilt, user.handle


def test_home_timelines_are_capped_keeping_the_newest(plan):
    capped = timelines_for(plan, cap=3)
    for owner, posts in capped.items():
        full = timelines_for(plan, cap=10_000)[owner]
        assert posts == full[:3]


def timelines_for(plan, *, cap):  # type: ignore[no-untyped-def]
    from bench.dataset import home_timelines

    return home_timelines(plan, cap=cap)
