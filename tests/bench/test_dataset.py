"""The benchmark's dataset generator, at a toy size (30 people), against the app's own rules."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Count, Exists, OuterRef, Q

from bench.dataset import NARROWNESS, SIZES, SPACE_POST_VISIBILITY, load_plan, make_plan, space_sizes
from essaim.accounts.models import User
from essaim.core.text import fold
from essaim.people.models import Follow
from essaim.spaces.models import AutoMembershipRule, Membership, Space
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
    assert Space.objects.count() == TOY.spaces_total
    assert Membership.objects.count() == loaded.membership_count
    assert Post.objects.filter(space__isnull=False).count() == sum(p.space is not None for p in loaded.posts)


def test_memberships_are_the_plans(loaded):
    by_slug = {space.slug: space for space in loaded.spaces}
    for space in Space.objects.all():
        members = set(Membership.objects.filter(space=space).values_list("user__handle", flat=True))
        assert members == {loaded.people[p].handle for p in by_slug[space.slug].members}, space.name


def test_all_company_spaces_have_everyone_through_a_rule(loaded):
    company = Space.objects.filter(auto_rules__isnull=False, auto_rules__department__isnull=True)
    assert company.count() == 3
    for space in company:
        assert space.visibility == Space.Visibility.PUBLIC
        assert space.memberships.count() == TOY.people
        assert space.memberships.filter(role="member", added_by_rule__isnull=True).count() == 0
    assert AutoMembershipRule.objects.count() == 3


def test_every_space_has_exactly_one_owner(loaded):
    owners = Space.objects.annotate(owners=Count("memberships", filter=Q(memberships__role="owner")))
    assert sorted(set(owners.values_list("owners", flat=True))) == [1]
    for space in Space.objects.select_related("created_by"):
        assert space.memberships.get(role="owner").user == space.created_by


def test_a_sub_space_is_never_wider_than_its_parent(loaded):
    children = Space.objects.filter(parent__isnull=False).select_related("parent")
    assert children.exists()
    for child in children:
        assert NARROWNESS[child.visibility] >= NARROWNESS[child.parent.visibility]
        assert child.parent.parent_id is None  # one level, as the services allow


def test_search_keys_and_addresses_are_the_apps(loaded):
    from django.utils.text import slugify

    spaces = list(Space.objects.all())
    for space in spaces:
        assert space.search_key == fold(space.name)
        assert space.slug.startswith(slugify(fold(space.name))[:120].strip("-"))
    assert len({s.search_key for s in spaces}) == len(spaces)  # the app refuses two names that fold alike


def test_every_visibility_is_among_the_spaces_with_posts(plan):
    active = plan.active_spaces
    assert {s.visibility for s in active} == {"public", "private", "secret"}
    assert {p.space for p in plan.posts if p.space is not None} <= set(range(len(active)))


def test_posts_in_spaces_store_what_the_composer_stores_and_are_written_by_members(loaded):
    posts = Post.objects.filter(space__isnull=False)
    assert set(posts.values_list("visibility", flat=True)) == {SPACE_POST_VISIBILITY}
    members = set(Membership.objects.values_list("space_id", "user_id"))
    assert {(p.space_id, p.author_id) for p in posts} <= members


def test_comments_and_reactions_in_spaces_come_from_members(loaded):
    members = set(Membership.objects.values_list("space_id", "user_id"))
    comments = Comment.objects.filter(post__space__isnull=False).values_list("post__space_id", "author_id")
    reactions = Reaction.objects.filter(post__space__isnull=False).values_list("post__space_id", "user_id")
    assert comments.exists()
    assert reactions.exists()
    assert set(comments) <= members
    assert set(reactions) <= members


def test_space_sizes_follow_zipf_with_the_requested_head_and_median():
    sizes = space_sizes(SIZES["M"])
    assert len(sizes) == 197
    assert sizes[:3] == [5_000] * 3
    assert sizes[3] < 5_000
    assert 45 <= sizes[len(sizes) // 2] <= 55
    assert min(sizes) >= 5
    assert sizes == sorted(sizes, reverse=True)


def test_everyone_signs_in_with_the_known_password(loaded, client):
    user = User.objects.order_by("pk").first()
    assert client.login(email=user.email, password="bench-password-0123")


def test_post_html_is_what_the_stream_renders(loaded):
    for post in Post.objects.prefetch_related("mentions__user")[:40]:
        mentioned = [m.user for m in post.mentions.all()]
        assert post.body_html == render_body(post.body, mentioned=mentioned)


def test_denormalised_counters_match_the_rows(loaded):
    for post in Post.objects.all():
        assert post.comment_count == Comment.objects.filter(post=post).count()
        reactions = Counter(Reaction.objects.filter(post=post).values_list("emoji", flat=True))
        assert post.reaction_counts == dict(reactions)


def test_home_timelines_match_the_streams_own_rebuild(loaded):
    # Everyone (30 people): members and outsiders of public, private and secret spaces alike.
    in_spaces = 0
    for user in User.objects.order_by("pk"):
        generated = set(HomeEntry.objects.filter(owner=user).values_list("post_id", flat=True))
        timelines.rebuild(user=user)
        rebuilt = set(HomeEntry.objects.filter(owner=user).values_list("post_id", flat=True))
        assert generated == rebuilt, user.handle
        in_spaces += Post.objects.filter(pk__in=generated, space__isnull=False).count()
    assert in_spaces


def test_home_timelines_follow_the_delivery_rules_of_space_posts(loaded):
    """The same as ``timelines.audience`` says, post by post, before any cap (toy timelines stay under it)."""
    home = set(HomeEntry.objects.values_list("owner_id", "post_id"))
    for post in Post.objects.filter(space__isnull=False).select_related("space"):
        expected = timelines.audience(post)
        assert {owner for owner, post_id in home if post_id == post.pk} == expected, post.pk


def test_home_timelines_are_capped_keeping_the_newest(plan):
    capped = timelines_for(plan, cap=3)
    for owner, posts in capped.items():
        full = timelines_for(plan, cap=10_000)[owner]
        assert posts == full[:3]


def timelines_for(plan, *, cap):  # type: ignore[no-untyped-def]
    from bench.dataset import home_timelines

    return home_timelines(plan, cap=cap)


def test_questions_and_polls_are_seeded_with_coherent_rows(loaded):
    from essaim.polls.models import Poll, PollOption, PollVote
    from essaim.questions.models import Question
    from essaim.stream.models import Post

    posts = Post.objects.count()
    questions = Post.objects.filter(kind="question").count()
    polls = Post.objects.filter(kind="poll").count()
    assert questions == Question.objects.count()
    assert polls == Poll.objects.count()
    assert abs(questions - posts * 0.05) <= 5
    assert abs(polls - posts * 0.02) <= 2
    for poll in Poll.objects.all():
        votes = PollVote.objects.filter(poll=poll)
        assert poll.votes_count == votes.count()
        for option in PollOption.objects.filter(poll=poll):
            assert option.votes_count == votes.filter(option=option).count()
    for question in Question.objects.exclude(accepted_answer=None).select_related("accepted_answer", "post"):
        assert question.accepted_answer.post_id == question.post_id
        assert question.time_to_first_answer == question.first_answer_at - question.post.created_at


def test_events_are_posts_of_kind_event_with_exact_counters(loaded):
    from essaim.calendar.models import Event, Rsvp

    assert Event.objects.count() == TOY.events == Post.objects.filter(kind="event").count()
    assert not Event.objects.exclude(post__kind="event").exists()
    for event in Event.objects.select_related("post"):
        rows = Counter(Rsvp.objects.filter(event=event).values_list("answer", flat=True))
        assert (event.going_count, event.maybe_count, event.waiting_count) == (
            rows["going"],
            rows["maybe"],
            rows["waiting"],
        )
        assert event.capacity is None or event.going_count <= event.capacity
        assert event.space_id == event.post.space_id
        assert event.ends_at > event.starts_at
    in_spaces = Rsvp.objects.filter(event__space__isnull=False)
    assert not in_spaces.exclude(
        Exists(Membership.objects.filter(space_id=OuterRef("event__space_id"), user_id=OuterRef("user_id")))
    ).exists()
