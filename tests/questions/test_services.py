"""Questions: asking, answering, voting answers up, accepting one, following, unanswered lists."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from essaim.core.pagination import Cursor
from essaim.events.types import AnswerAccepted
from essaim.notifications.models import Notification
from essaim.questions import selectors, services
from essaim.questions.models import AnswerVote, Question, QuestionFollow
from essaim.spaces.models import Membership, Space
from essaim.stream import selectors as stream_selectors
from essaim.stream import services as stream
from essaim.stream.models import PostKind
from tests.accounts.factories import UserFactory
from tests.databases import shared_by_threads, side_by_side


@pytest.fixture
def question(employee):
    return stream.post_create(actor=employee, body="Où trouver le modèle de note de frais ?", kind=PostKind.QUESTION)


class TestAsking:
    def test_a_question_is_a_post_with_its_row(self, question):
        assert question.kind == PostKind.QUESTION
        row = Question.objects.get(post=question)
        assert row.accepted_answer is None
        assert row.first_answer_at is None

    def test_an_unknown_kind_is_refused_with_a_message(self, employee):
        with pytest.raises(ValidationError, match="Choose what to publish"):
            stream.post_create(actor=employee, body="Hein ?", kind="riddle")

    def test_the_first_answer_by_someone_else_records_the_time_it_took(self, question, employee, colleague):
        stream.comment_create(actor=employee, post=question, body="Précision : pour un déplacement.")
        assert Question.objects.get(post=question).first_answer_at is None  # the asker does not answer themself
        answer = stream.comment_create(actor=colleague, post=question, body="Sur l'intranet, rubrique RH.")
        stream.comment_create(actor=UserFactory(), post=question, body="Oui, rubrique RH.")
        row = Question.objects.get(post=question)
        assert row.first_answer_at == answer.created_at
        assert row.time_to_first_answer == answer.created_at - question.created_at


class TestVotes:
    def test_a_vote_counts_once_and_can_be_taken_back(self, question, colleague):
        answer = stream.comment_create(actor=colleague, post=question, body="Rubrique RH.")
        voter = UserFactory()
        assert services.answer_vote(actor=voter, post=question, answer=answer) is True
        assert services.answer_vote(actor=voter, post=question, answer=answer) is False
        assert AnswerVote.objects.filter(answer=answer).count() == 1
        assert services.answer_vote(actor=voter, post=question, answer=answer, up=False) is True
        assert not AnswerVote.objects.filter(answer=answer).exists()

    def test_nobody_votes_for_their_own_answer(self, question, colleague):
        answer = stream.comment_create(actor=colleague, post=question, body="Rubrique RH.")
        with pytest.raises(ValidationError, match="your own answer"):
            services.answer_vote(actor=colleague, post=question, answer=answer)

    def test_a_reply_is_not_an_answer(self, question, colleague, employee):
        answer = stream.comment_create(actor=colleague, post=question, body="Rubrique RH.")
        reply = stream.comment_create(actor=employee, post=question, body="Merci", parent=answer)
        with pytest.raises(ValidationError, match="not an answer"):
            services.answer_vote(actor=colleague, post=question, answer=reply)

    def test_votes_only_on_questions(self, employee, colleague):
        post = stream.post_create(actor=employee, body="Une simple nouvelle")
        comment = stream.comment_create(actor=colleague, post=post, body="Bravo")
        with pytest.raises(PermissionDenied):
            services.answer_vote(actor=UserFactory(), post=post, answer=comment)


class TestAccepting:
    def test_the_asker_accepts_an_answer_which_comes_first(self, question, employee, colleague, capture_events):
        first = stream.comment_create(actor=UserFactory(), post=question, body="Demande à RH.")
        best = stream.comment_create(actor=colleague, post=question, body="Lien direct : intranet/rh/frais")
        services.answer_accept(actor=employee, post=question, answer=best)
        assert Question.objects.get(post=question).accepted_answer == best
        assert AnswerAccepted(actor_id=employee.pk, post_id=question.pk, comment_id=best.pk) in capture_events
        threads = stream_selectors.comment_threads_for(actor=employee, post=question)
        assert [t.comment.pk for t in threads] == [best.pk, first.pk]
        assert threads[0].comment.answer.accepted

    def test_the_card_shows_the_accepted_answer(self, question, employee, colleague):
        best = stream.comment_create(actor=colleague, post=question, body="Lien direct")
        services.answer_accept(actor=employee, post=question, answer=best)
        [post] = stream_selectors.hydrate(actor=colleague, posts=[question])
        assert post.question_card.accepted == best
        assert post.kind_key is not None

    def test_unmarking(self, question, employee, colleague):
        best = stream.comment_create(actor=colleague, post=question, body="Lien direct")
        services.answer_accept(actor=employee, post=question, answer=best)
        services.answer_accept(actor=employee, post=question, answer=None)
        assert Question.objects.get(post=question).accepted_answer is None

    def test_others_may_not_accept(self, question, colleague):
        best = stream.comment_create(actor=colleague, post=question, body="Lien direct")
        with pytest.raises(PermissionDenied):
            services.answer_accept(actor=colleague, post=question, answer=best)

    def test_a_space_moderator_accepts(self, employee, colleague):
        space = Space.objects.create(name="RH", slug="rh", visibility=Space.Visibility.PUBLIC)
        Membership.objects.create(space=space, user=employee)
        moderator = UserFactory()
        Membership.objects.create(space=space, user=moderator, role=Membership.Role.MODERATOR)
        question = stream.post_create(actor=employee, body="Congés ?", space=space, kind=PostKind.QUESTION)
        Membership.objects.create(space=space, user=colleague)
        best = stream.comment_create(actor=colleague, post=question, body="Dans l'outil RH")
        services.answer_accept(actor=moderator, post=question, answer=best)
        assert Question.objects.get(post=question).accepted_answer == best


class TestFollowing:
    def test_followers_are_told_of_new_answers(self, question, colleague, drain_outbox):
        follower = UserFactory()
        assert services.question_follow(actor=follower, post=question) is True
        assert services.question_follow(actor=follower, post=question) is False
        stream.comment_create(actor=colleague, post=question, body="Rubrique RH.")
        drain_outbox()
        assert Notification.objects.filter(recipient=follower, post=question, kind="comment").exists()

    def test_unfollowing(self, question):
        follower = UserFactory()
        services.question_follow(actor=follower, post=question)
        services.question_follow(actor=follower, post=question, follow=False)
        assert not QuestionFollow.objects.exists()


class TestUnanswered:
    def test_lists_the_readable_questions_without_answer(self, question, employee, colleague):
        answered = stream.post_create(actor=employee, body="Déjà répondu ?", kind=PostKind.QUESTION)
        stream.comment_create(actor=colleague, post=answered, body="Oui")
        stream.post_create(actor=employee, body="Pas une question")
        secret = Space.objects.create(name="Secret", slug="secret", visibility=Space.Visibility.SECRET)
        Membership.objects.create(space=secret, user=employee)
        stream.post_create(actor=employee, body="Question secrète ?", space=secret, kind=PostKind.QUESTION)
        page = selectors.unanswered_page(actor=colleague, cursor=Cursor())
        assert [p.pk for p in page.items] == [question.pk]
        in_space = selectors.unanswered_in_space(actor=employee, space_id=secret.pk)
        assert len(in_space) == 1
        assert selectors.unanswered_in_space(actor=colleague, space_id=secret.pk) == []

    def test_answer_get_is_404_for_another_posts_comment(self, question, employee, colleague):
        other = stream.post_create(actor=employee, body="Autre")
        comment = stream.comment_create(actor=colleague, post=other, body="x")
        with pytest.raises(Http404):
            selectors.answer_get(post=question, answer_id=comment.pk)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not shared_by_threads(), reason="an in-memory SQLite database is not shared by threads")
def test_sixteen_voters_at_once_are_all_counted_once(employee, colleague):
    question = stream.post_create(actor=employee, body="Qui a le badge visiteur ?", kind=PostKind.QUESTION)
    answer = stream.comment_create(actor=colleague, post=question, body="L'accueil.")
    voters = [UserFactory(handle=f"voter.{n}") for n in range(16)]

    def vote_twice_then_half_take_it_back(voter):
        assert services.answer_vote(actor=voter, post=question, answer=answer) is True
        assert services.answer_vote(actor=voter, post=question, answer=answer) is False
        if int(voter.handle.rsplit(".", 1)[1]) % 2 == 0:
            services.answer_vote(actor=voter, post=question, answer=answer, up=False)

    assert side_by_side(vote_twice_then_half_take_it_back, voters) == []
    kept = sorted(AnswerVote.objects.filter(answer=answer).values_list("user_id", flat=True))
    assert kept == sorted(v.pk for n, v in enumerate(voters) if n % 2 == 1)
