"""Live pages redraw a poll's card when someone votes, and a question's when its accepted answer changes."""

from __future__ import annotations

from essaim.polls import services as polls
from essaim.polls.models import Poll
from essaim.questions import services as questions
from essaim.stream import services as stream
from essaim.stream.models import PostKind
from tests.realtime.conftest import live  # noqa: F401 - the fixture


def test_a_vote_and_an_accepted_answer_redraw_the_post(employee, colleague, live):  # noqa: F811
    poll_post = stream.post_create(
        actor=employee, body="Quand ?", kind=PostKind.POLL, kind_data={"options": ["A", "B"]}
    )
    polls.poll_vote(actor=colleague, poll=Poll.objects.select_related("post").get(post=poll_post), choices=[1])
    question = stream.post_create(actor=employee, body="Qui ?", kind=PostKind.QUESTION)
    answer = stream.comment_create(actor=colleague, post=question, body="Moi")
    questions.answer_accept(actor=employee, post=question, answer=answer)
    told = [(e.kind, e.data) for e in live() if e.kind == "reactions"]
    assert told == [("reactions", {"post": str(poll_post.pk)}), ("reactions", {"post": str(question.pk)})]
