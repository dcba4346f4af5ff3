"""Question pages: asking from the composer, answering, voting, accepting, following, unanswered filters."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from essaim.questions.models import AnswerVote, Question, QuestionFollow
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream
from essaim.stream.models import Post, PostKind
from tests.accounts.factories import UserFactory


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def question(employee):
    return stream.post_create(actor=employee, body="Qui connaît l'outil de paie ?", kind=PostKind.QUESTION)


def test_the_composer_offers_the_type_switch(employee):
    page = signed_in(employee).get("/")
    html = page.content.decode()
    assert 'name="kind" value="post"' in html
    assert 'name="kind" value="question"' in html
    assert 'name="kind" value="poll"' in html
    assert 'name="poll-options"' in html


def test_asking_from_the_composer(employee):
    response = signed_in(employee).post(
        reverse("stream:post-create"), {"body": "Une question ?", "kind": "question", "visibility": "company"}
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.kind == PostKind.QUESTION
    assert Question.objects.filter(post=post).exists()


def test_a_poll_from_the_composer_and_its_errors(employee):
    client = signed_in(employee)
    refused = client.post(
        reverse("stream:post-create"),
        {"body": "Sondage", "kind": "poll", "visibility": "company", "poll-options": ["Seule"]},
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Give at least two options." in html
    assert 'value="Seule"' in html
    assert not Post.objects.exists()
    done = client.post(
        reverse("stream:post-create"),
        {
            "body": "Sondage",
            "kind": "poll",
            "visibility": "company",
            "poll-options": ["A", "B", ""],
            "poll-expires_in": "86400",
            "poll-anonymous": "0",
        },
    )
    assert done.status_code == 302
    assert Post.objects.get().poll.options.count() == 2


def test_the_question_page_answers_vote_accept_and_follow(question, employee, colleague):
    answer = stream.comment_create(actor=colleague, post=question, body="Moi, demande-moi.")
    voter = signed_in(UserFactory())
    url = reverse("questions:answer-vote", kwargs={"post_id": question.pk, "answer_id": answer.pk})
    assert voter.post(url, {"up": "1"}).status_code == 302
    assert AnswerVote.objects.filter(answer=answer).count() == 1
    accept = reverse("questions:answer-accept", kwargs={"post_id": question.pk})
    assert signed_in(colleague).post(accept, {"answer": answer.pk}).status_code == 403
    assert signed_in(employee).post(accept, {"answer": answer.pk}).status_code == 302
    assert Question.objects.get(post=question).accepted_answer == answer
    follow = reverse("questions:question-follow", kwargs={"post_id": question.pk})
    assert voter.post(follow, {"follow": "1"}).status_code == 302
    assert QuestionFollow.objects.count() == 1
    page = signed_in(employee).get(question.get_absolute_url())
    html = page.content.decode()
    assert "Accepted answer" in html
    assert "1 answer" in html
    assert "Follow this question" in html
    home = signed_in(colleague).get("/company/").content.decode()
    assert "Accepted answer by" in home


def test_an_invisible_question_is_404(employee):
    secret = Space.objects.create(name="S", slug="s", visibility=Space.Visibility.SECRET)
    Membership.objects.create(space=secret, user=employee)
    question = stream.post_create(actor=employee, body="Secret ?", space=secret, kind=PostKind.QUESTION)
    outsider = signed_in(UserFactory())
    follow = reverse("questions:question-follow", kwargs={"post_id": question.pk})
    assert outsider.post(follow).status_code == 404


@pytest.mark.parametrize("path", ["/", "/company/", "/questions/unanswered"])
def test_unanswered_filters(question, employee, colleague, path):
    answered = stream.post_create(actor=employee, body="Répondue ?", kind=PostKind.QUESTION)
    stream.comment_create(actor=colleague, post=answered, body="Oui")
    url = path if path.startswith("/questions") else f"{path}?filter=unanswered"
    response = signed_in(colleague).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"post-{question.pk}" in html
    assert f"post-{answered.pk}" not in html


def test_the_space_page_lists_its_unanswered_questions(employee):
    space = Space.objects.create(name="Paie", slug="paie", visibility=Space.Visibility.PUBLIC)
    Membership.objects.create(space=space, user=employee)
    question = stream.post_create(actor=employee, body="Date de la paie ?", space=space, kind=PostKind.QUESTION)
    client = signed_in(employee)
    html = client.get(space.get_absolute_url()).content.decode()
    assert "Unanswered questions" in html
    assert "Date de la paie ?" in html
    filtered = client.get(space.get_absolute_url() + "?filter=unanswered").content.decode()
    assert f"post-{question.pk}" in filtered
