"""Polls: creating one with its post, voting, changing a vote, closing, who sees results."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from essaim.events.types import PollVoted
from essaim.polls import selectors, services
from essaim.polls.models import Poll, PollOption, PollVote
from essaim.spaces.models import Membership, Space
from essaim.stream import selectors as stream_selectors
from essaim.stream import services as stream
from essaim.stream.models import Post, PostKind
from tests.accounts.factories import UserFactory
from tests.databases import side_by_side


def make_poll(author, options=("Lundi", "Mardi", "Jeudi"), **extra):
    data = {"options": list(options), **extra}
    post = stream.post_create(actor=author, body="Quel jour pour l'atelier ?", kind=PostKind.POLL, kind_data=data)
    return Poll.objects.select_related("post").get(post=post)


class TestCreating:
    def test_a_poll_comes_with_its_post_and_options(self, employee):
        poll = make_poll(employee, expires_in=3600, multiple=True, anonymous=False)
        assert poll.post.kind == PostKind.POLL
        assert list(poll.options.values_list("title", flat=True)) == ["Lundi", "Mardi", "Jeudi"]
        assert poll.multiple
        assert not poll.anonymous
        assert poll.expires_at == poll.post.created_at + timedelta(hours=1)

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            (["Seul"], "at least two"),
            ([f"o{n}" for n in range(11)], "at most ten"),
            (["Pareil", "pareil"], "different"),
            (["x" * 101, "y"], "100 characters"),
        ],
    )
    def test_bad_options_are_refused_and_nothing_is_written(self, employee, options, message):
        with pytest.raises(ValidationError, match=message):
            make_poll(employee, options=options)
        assert not Post.objects.exists()
        assert not Poll.objects.exists()

    def test_a_closing_time_too_near_is_refused(self, employee):
        with pytest.raises(ValidationError, match="5 minutes"):
            make_poll(employee, expires_in=60)


class TestVoting:
    def test_a_vote_is_counted_and_can_change(self, employee, colleague, capture_events):
        poll = make_poll(employee)
        services.poll_vote(actor=colleague, poll=poll, choices=[1])
        assert PollVoted(actor_id=colleague.pk, post_id=poll.post_id, poll_id=poll.pk) in capture_events
        services.poll_vote(actor=colleague, poll=poll, choices=[2])
        poll.refresh_from_db()
        assert (poll.votes_count, poll.voters_count) == (1, 1)
        assert list(poll.options.order_by("position").values_list("votes_count", flat=True)) == [0, 0, 1]

    def test_single_choice_takes_one(self, employee, colleague):
        poll = make_poll(employee)
        with pytest.raises(ValidationError, match="one choice"):
            services.poll_vote(actor=colleague, poll=poll, choices=[0, 1])

    def test_multiple_choice_counts_voters_once(self, employee, colleague):
        poll = make_poll(employee, multiple=True)
        services.poll_vote(actor=colleague, poll=poll, choices=[0, 2])
        poll.refresh_from_db()
        assert (poll.votes_count, poll.voters_count) == (2, 1)

    @pytest.mark.parametrize("choices", [[], [3], [-1]])
    def test_bad_choices_are_refused(self, employee, colleague, choices):
        poll = make_poll(employee)
        with pytest.raises(ValidationError):
            services.poll_vote(actor=colleague, poll=poll, choices=choices)

    def test_a_closed_poll_takes_no_vote(self, employee, colleague):
        poll = make_poll(employee, expires_in=3600)
        Poll.objects.filter(pk=poll.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        poll.refresh_from_db()
        with pytest.raises(ValidationError, match="closed"):
            services.poll_vote(actor=colleague, poll=poll, choices=[0])

    def test_a_reader_of_a_space_without_role_may_not_vote(self, employee):
        space = Space.objects.create(name="Atelier", slug="atelier", visibility=Space.Visibility.PUBLIC)
        Membership.objects.create(space=space, user=employee)
        post = stream.post_create(
            actor=employee, body="Quand ?", space=space, kind=PostKind.POLL, kind_data={"options": ["A", "B"]}
        )
        poll = Poll.objects.get(post=post)
        poll.post = post
        with pytest.raises(PermissionDenied):
            services.poll_vote(actor=UserFactory(), poll=poll, choices=[0])


class TestReading:
    def test_results_show_after_voting(self, employee, colleague):
        poll = make_poll(employee)
        [post] = stream_selectors.hydrate(actor=colleague, posts=[poll.post])
        assert not post.poll_view.show_results
        assert post.poll_view.can_vote
        key_before = post.kind_key
        services.poll_vote(actor=colleague, poll=poll, choices=[0])
        [post] = stream_selectors.hydrate(actor=colleague, posts=[Post.objects.get(pk=poll.post_id)])
        assert post.poll_view.show_results
        assert post.poll_view.voted
        assert post.poll_view.options[0].percent == 100
        assert post.kind_key != key_before

    def test_hidden_totals_wait_for_the_close(self, employee, colleague):
        poll = make_poll(employee, hide_totals=True)
        services.poll_vote(actor=colleague, poll=poll, choices=[0])
        view = selectors.poll_view_for(actor=colleague, post=poll.post)
        assert view is not None
        assert view.voted
        assert not view.show_results

    def test_named_polls_show_who_voted(self, employee, colleague):
        poll = make_poll(employee, anonymous=False)
        services.poll_vote(actor=colleague, poll=poll, choices=[1])
        view = selectors.poll_view_for(actor=employee, post=poll.post)
        assert view is not None
        assert view.options[1].voters == (colleague.get_full_name(),)

    def test_anonymous_polls_do_not(self, employee, colleague):
        poll = make_poll(employee)
        services.poll_vote(actor=colleague, poll=poll, choices=[1])
        view = selectors.poll_view_for(actor=employee, post=poll.post)
        assert view is not None
        assert view.options[1].voters == ()


@pytest.mark.skipif(not connection.features.has_select_for_update, reason="SQLite's writers take turns already")
@pytest.mark.django_db(transaction=True)
def test_sixteen_voters_at_once_are_all_counted_once(employee):
    poll = make_poll(employee, multiple=True)
    voters = [UserFactory(handle=f"voter.{n}") for n in range(16)]

    def vote(voter):
        n = voters.index(voter)
        fresh = Poll.objects.select_related("post").get(pk=poll.pk)
        services.poll_vote(actor=voter, poll=fresh, choices=[n % 3])
        services.poll_vote(actor=voter, poll=fresh, choices=[n % 3, (n + 1) % 3])  # a change of vote

    assert side_by_side(vote, voters) == []
    poll.refresh_from_db()
    assert (poll.voters_count, poll.votes_count) == (16, 32)
    assert PollVote.objects.filter(poll=poll).count() == 32
    counts = dict(PollOption.objects.filter(poll=poll).values_list("position", "votes_count"))
    assert sum(counts.values()) == 32
    for position, count in counts.items():
        assert count == PollVote.objects.filter(option__poll=poll, option__position=position).count()
