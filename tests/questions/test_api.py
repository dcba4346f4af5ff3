"""Essaim's questions API: accept an answer, vote one up, follow a question."""

from __future__ import annotations

from django.test import Client

from essaim.api.services import personal_token_create
from essaim.questions.models import AnswerVote, QuestionFollow
from essaim.stream import services as stream
from essaim.stream.models import PostKind
from tests.accounts.factories import UserFactory


def _client(user):
    return Client(HTTP_AUTHORIZATION=f"Bearer {personal_token_create(actor=user, name='t')[1]}")


def test_accept_vote_follow(employee, colleague):
    question = stream.post_create(actor=employee, body="Qui sait ?", kind=PostKind.QUESTION)
    answer = stream.comment_create(actor=colleague, post=question, body="Moi")
    base = f"/api/v1/essaim/questions/{question.pk}"
    voter = _client(UserFactory())
    voted = voter.post(f"{base}/answers/{answer.pk}/vote", {"up": True}, content_type="application/json")
    assert voted.status_code == 200, voted.content
    assert AnswerVote.objects.count() == 1
    assert voter.post(f"{base}/follow", {}, content_type="application/json").status_code == 200
    assert QuestionFollow.objects.count() == 1
    refused = _client(colleague).post(
        f"{base}/accepted_answer", {"answer_id": str(answer.pk)}, content_type="application/json"
    )
    assert refused.status_code == 403
    accepted = _client(employee).post(
        f"{base}/accepted_answer", {"answer_id": str(answer.pk)}, content_type="application/json"
    )
    assert accepted.status_code == 200
    assert accepted.json()["question"] == {"answered": True, "accepted_answer_id": str(answer.pk)}
    unmarked = _client(employee).post(f"{base}/accepted_answer", {"answer_id": None}, content_type="application/json")
    assert unmarked.json()["question"]["accepted_answer_id"] is None


def test_a_comment_of_another_post_is_404(employee, colleague):
    question = stream.post_create(actor=employee, body="Qui sait ?", kind=PostKind.QUESTION)
    other = stream.post_create(actor=employee, body="Autre")
    comment = stream.comment_create(actor=colleague, post=other, body="x")
    response = _client(UserFactory()).post(
        f"/api/v1/essaim/questions/{question.pk}/answers/{comment.pk}/vote", {}, content_type="application/json"
    )
    assert response.status_code == 404
