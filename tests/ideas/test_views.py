from __future__ import annotations

import pytest
from django.urls import reverse

from essaim.ideas import services
from essaim.ideas.models import Idea, IdeaStatus


@pytest.fixture
def signed_in(client, voter):
    client.force_login(voter)
    return client


class TestBoardPage:
    def test_the_board_lists_ideas_with_votes_and_status(self, signed_in, space, proposer, make_idea):
        make_idea(proposer, "Un potager partagé")
        response = signed_in.get(reverse("ideas:board", kwargs={"slug": space.slug}) + "?sort=trending")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Un potager partagé" in html
        assert "Propose an idea" in html
        assert 'aria-pressed="false"' in html

    def test_a_closed_box_offers_its_admin_to_open_it(self, client, space, space_admin):
        client.force_login(space_admin)
        response = client.get(reverse("ideas:board", kwargs={"slug": space.slug}))
        assert "Open the idea box" in response.content.decode()
        client.post(reverse("ideas:enable", kwargs={"slug": space.slug}))
        assert space.idea_box is not None

    def test_proposing_from_the_composer_makes_an_idea(self, signed_in, space, box):
        response = signed_in.post(
            reverse("stream:post-create"), {"kind": "idea", "space": space.pk, "body": "Des vélos de service"}
        )
        assert response.status_code == 302
        assert Idea.objects.get().post.body == "Des vélos de service"

    def test_voting_with_htmx_answers_the_button(self, signed_in, proposer, make_idea):
        idea = make_idea(proposer)
        response = signed_in.post(reverse("ideas:vote", kwargs={"post_id": idea.pk}), HTTP_HX_REQUEST="true")
        assert 'aria-pressed="true"' in response.content.decode()
        idea.refresh_from_db()
        assert idea.vote_count == 1

    def test_a_moderator_sets_the_status_from_the_board(self, client, space, moderator, proposer, make_idea):
        idea = make_idea(proposer)
        client.force_login(moderator)
        url = reverse("ideas:status", kwargs={"post_id": idea.pk})
        client.post(url, {"status": IdeaStatus.UNDER_REVIEW, "answer": "On regarde."})
        idea.refresh_from_db()
        assert idea.status == IdeaStatus.UNDER_REVIEW

    def test_a_member_gets_403_for_the_status(self, signed_in, proposer, make_idea):
        idea = make_idea(proposer)
        response = signed_in.post(reverse("ideas:status", kwargs={"post_id": idea.pk}), {"status": "done"})
        assert response.status_code == 403


class TestCards:
    def test_an_idea_card_shows_its_status_answer_and_vote_in_the_space_feed(
        self, signed_in, space, moderator, proposer, make_idea
    ):
        idea = make_idea(proposer, "Une idée à voir")
        services.idea_status_set(actor=moderator, idea=idea, status=IdeaStatus.DONE, answer="C'est fait !")
        html = signed_in.get(space.get_absolute_url()).content.decode()
        assert "C&#x27;est fait !" in html or "C'est fait !" in html
        assert "idea-status--done" in html

    def test_a_vote_changes_the_cached_card(self, signed_in, proposer, make_idea, voter):
        idea = make_idea(proposer)
        page = idea.post.get_absolute_url()
        assert 'aria-pressed="false"' in signed_in.get(page).content.decode()
        services.idea_vote_set(actor=voter, idea=idea, voted=True)
        assert 'aria-pressed="true"' in signed_in.get(page).content.decode()
