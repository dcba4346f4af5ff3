"""Live pages redraw a poll's card when someone votes, and a question's when its accepted answer changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from essaim.polls import services as polls
from essaim.polls.models import Poll
from essaim.questions import services as questions
from essaim.realtime import consumers
from essaim.stream import services as stream
from essaim.stream.models import PostKind

pytestmark = pytest.mark.django_db


def test_a_vote_and_an_accepted_answer_redraw_the_post(
    employee: Any,
    colleague: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    told: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(consumers, "publish", lambda kind, **told_about: told.append((kind, told_about["data"])))
    with django_capture_on_commit_callbacks(execute=True):
        poll_post = stream.post_create(
            actor=employee, body="Quand ?", kind=PostKind.POLL, kind_data={"options": ["A", "B"]}
        )
        polls.poll_vote(actor=colleague, poll=Poll.objects.select_related("post").get(post=poll_post), choices=[1])
        question = stream.post_create(actor=employee, body="Qui ?", kind=PostKind.QUESTION)
        answer = stream.comment_create(actor=colleague, post=question, body="Moi")
        questions.answer_accept(actor=employee, post=question, answer=answer)
    redrawn = [(kind, data) for kind, data in told if kind == "reactions"]
    assert redrawn == [("reactions", {"post": str(poll_post.pk)}), ("reactions", {"post": str(question.pk)})]
