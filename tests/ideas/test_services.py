from __future__ import annotations

import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from essaim.events.types import IdeaStatusChanged, IdeaVoted
from essaim.ideas import selectors, services
from essaim.ideas.models import Idea, IdeaBox, IdeaStatus, IdeaVote
from essaim.notifications.models import Notification
from essaim.spaces import selectors as spaces_selectors
from essaim.stream.models import PostKind
from tests.databases import side_by_side
from tests.spaces.factories import member


class TestIdeaBox:
    def test_a_space_admin_opens_and_closes_the_box(self, space, space_admin):
        assert services.idea_box_enable(actor=space_admin, space=space) is not None
        assert services.idea_box_enable(actor=space_admin, space=space).space_id == space.pk  # twice: the same
        services.idea_box_enable(actor=space_admin, space=space, enabled=False)
        assert not IdeaBox.objects.exists()

    def test_a_member_cannot_open_it(self, space, proposer):
        with pytest.raises(PermissionDenied):
            services.idea_box_enable(actor=proposer, space=space)

    def test_a_network_admin_can(self, space, network_admin):
        assert services.idea_box_enable(actor=network_admin, space=space) is not None


class TestPropose:
    def test_an_idea_is_a_post_of_kind_idea_with_status_new(self, proposer, make_idea):
        idea = make_idea(proposer)
        assert idea.post.kind == PostKind.IDEA
        assert idea.status == IdeaStatus.NEW
        assert idea.vote_count == 0

    def test_a_space_without_a_box_refuses_with_a_message(self, space, proposer):
        with pytest.raises(ValidationError, match="no idea box"):
            services.idea_propose(actor=proposer, space=space, body="Une idée")

    def test_an_outsider_of_a_private_space_cannot_propose(self, space, box, employee):
        space.visibility = "private"
        space.save()
        with pytest.raises((PermissionDenied, ValidationError)):
            services.idea_propose(actor=employee, space=space, body="Une idée")


class TestVotes:
    def test_one_vote_per_person_and_toggling_takes_it_back(self, proposer, voter, make_idea, capture_events):
        idea = make_idea(proposer)
        assert services.idea_vote_set(actor=voter, idea=idea, voted=True)
        assert not services.idea_vote_set(actor=voter, idea=idea, voted=True)
        services.idea_vote_set(actor=proposer, idea=idea, voted=True)
        idea.refresh_from_db()
        assert idea.vote_count == 2
        assert services.idea_vote_toggle(actor=voter, idea=idea) is False
        idea.refresh_from_db()
        assert idea.vote_count == 1
        assert [e.voted for e in capture_events if isinstance(e, IdeaVoted)] == [True, True, False]

    def test_a_closed_box_takes_no_vote(self, space, space_admin, proposer, voter, make_idea):
        idea = make_idea(proposer)
        services.idea_box_enable(actor=space_admin, space=space, enabled=False)
        with pytest.raises(PermissionDenied):
            services.idea_vote_set(actor=voter, idea=idea, voted=True)

    def test_who_cannot_read_the_idea_cannot_vote(self, space, proposer, make_idea, guest):
        idea = make_idea(proposer)
        with pytest.raises(Exception) as refused:  # noqa: PT011 - 404 (Http404) for what one may not see
            services.idea_vote_set(actor=guest, idea=idea, voted=True)
        assert refused.type.__name__ == "Http404"


class TestStatus:
    def test_a_moderator_sets_the_status_and_answer_and_the_author_and_voters_are_told(
        self, *, moderator, proposer, voter, make_idea, capture_events, drain_outbox
    ):
        idea = make_idea(proposer)
        services.idea_vote_set(actor=voter, idea=idea, voted=True)
        services.idea_status_set(actor=moderator, idea=idea, status=IdeaStatus.PLANNED, answer="**Oui**, au printemps")
        idea.refresh_from_db()
        assert idea.status == IdeaStatus.PLANNED
        assert "<strong>Oui</strong>" in idea.answer_html
        assert idea.answered_by == moderator
        changed = [e for e in capture_events if isinstance(e, IdeaStatusChanged)]
        assert changed[0].previous_status == IdeaStatus.NEW
        drain_outbox()
        told = set(Notification.objects.filter(kind="idea_status").values_list("recipient_id", flat=True))
        assert told == {proposer.pk, voter.pk}

    def test_a_member_cannot_set_a_status(self, proposer, voter, make_idea):
        idea = make_idea(proposer)
        with pytest.raises(PermissionDenied):
            services.idea_status_set(actor=proposer, idea=idea, status=IdeaStatus.DONE)

    def test_an_unknown_status_is_refused(self, moderator, proposer, make_idea):
        with pytest.raises(ValidationError, match="Choose one"):
            services.idea_status_set(actor=moderator, idea=make_idea(proposer), status="maybe")


class TestBoard:
    def test_sorts_and_filters(self, space, moderator, proposer, voter, make_idea):
        first, second, third = (make_idea(proposer, f"Idée {n}") for n in range(3))
        for someone in (voter, moderator):
            services.idea_vote_set(actor=someone, idea=second, voted=True)
        services.idea_vote_set(actor=voter, idea=first, voted=True)
        services.idea_status_set(actor=moderator, idea=third, status=IdeaStatus.DECLINED)
        board = selectors.idea_board_for(actor=voter, space=space)
        assert [i.pk for i in board.ideas] == [second.pk, first.pk, third.pk]
        assert [i.voted for i in board.ideas] == [True, True, False]
        recent = selectors.idea_board_for(actor=voter, space=space, sort="recent")
        assert [i.pk for i in recent.ideas] == [third.pk, second.pk, first.pk]
        trending = selectors.idea_board_for(actor=voter, space=space, sort="trending")
        assert trending.ideas[0].pk == second.pk
        declined = selectors.idea_board_for(actor=voter, space=space, status="declined")
        assert [i.pk for i in declined.ideas] == [third.pk]
        assert declined.counts == {"new": 2, "declined": 1, "all": 3}

    def test_the_board_of_a_private_space_is_its_members_only(self, space, box, employee):
        space.visibility = "private"
        space.save()
        with pytest.raises(PermissionDenied):
            selectors.idea_board_for(actor=employee, space=space)

    def test_a_board_costs_two_queries(self, space, proposer, voter, make_idea, django_assert_num_queries):
        for n in range(5):
            make_idea(proposer, f"Idée {n}")
        space = spaces_selectors.space_get_for(actor=voter, slug=space.slug)  # with the reader's role, as pages get it
        with django_assert_num_queries(2):  # the counts per status, the page
            selectors.idea_board_for(actor=voter, space=space, sort="trending")


@pytest.mark.skipif(not connection.features.has_select_for_update, reason="SQLite's writers take turns already")
@pytest.mark.django_db(transaction=True)
def test_sixteen_voters_at_once_are_all_counted_once(space, box, proposer):
    idea = Idea.objects.get(pk=services.idea_propose(actor=proposer, space=space, body="Vote !").pk)
    voters = [member(space, handle=f"voter.{n}").user for n in range(16)]

    def vote(voter):
        for _round in range(2):  # each votes twice: still one vote
            with transaction.atomic():
                services.idea_vote_set(actor=voter, idea=Idea.objects.get(pk=idea.pk), voted=True)
                time.sleep(0.01)

    assert side_by_side(vote, voters) == []
    idea.refresh_from_db()
    assert IdeaVote.objects.filter(idea=idea).count() == 16
    assert idea.vote_count == 16
