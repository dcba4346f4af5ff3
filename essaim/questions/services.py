"""Writes of questions: the question's row with its post, answers' votes, the accepted answer, follows.

An answer is a top-level comment of a question (``stream.services.comment_create`` writes it; the
question's first answer is recorded in its transaction by ``answer_recorded``). Every service checks the
one policy first (``rules/questions.py``) and emits its event for notifications and live pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.events import emit
from essaim.events.types import AnswerAccepted
from essaim.questions.models import AnswerVote, Question, QuestionFollow
from essaim.stream.models import Comment, Post, PostKind


def question_write(*, actor: User, post: Post, prepared: Any) -> Question:
    """The question's row, in the transaction of its post (``stream.kinds``: ``post_create`` checked the post)."""
    question = Question(post=post)
    question.save(force_insert=True)
    return question


def answer_recorded(*, post: Post, comment: Comment) -> None:
    """In a new comment's transaction: the question's first answer (by someone else than the asker) sets
    when it came and how long it took, once (the ``IS NULL`` condition decides between two at once)."""
    if comment.parent_id is not None or comment.author_id == post.author_id:
        return
    Question.objects.filter(post_id=post.pk, first_answer_at__isnull=True).update(
        first_answer_at=comment.created_at, time_to_first_answer=comment.created_at - post.created_at
    )


def _answer_of(post: Post, answer: Comment) -> Comment:
    if answer.post_id != post.pk or answer.parent_id is not None or post.kind != PostKind.QUESTION:
        raise ValidationError({"answer": _("This is not an answer to this question.")})
    return answer


_VOTE_SQL = (
    f"INSERT INTO {AnswerVote._meta.db_table} (answer_id, user_id, created_at) "  # noqa: S608 - the model's table
    "VALUES (%s, %s, %s) ON CONFLICT (answer_id, user_id) DO NOTHING"
)


@transaction.atomic
def answer_vote(*, actor: User, post: Post, answer: Comment, up: bool = True) -> bool:
    """Vote ``answer`` up (``up``), or take the vote back; once per person, so voting twice changes nothing.
    True when something changed. Nobody votes for their own answer."""
    access.require(actor, Action.VOTE_ANSWER, post)
    _answer_of(post, answer)
    if answer.author_id == actor.pk:
        raise ValidationError({"answer": _("You cannot vote for your own answer.")})
    if not up:
        deleted, _detail = AnswerVote.objects.filter(answer_id=answer.pk, user_id=actor.pk).delete()
        return bool(deleted)
    created_at = AnswerVote._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(_VOTE_SQL, [answer.pk, actor.pk, created_at])
        return cursor.rowcount == 1


@transaction.atomic
def answer_accept(*, actor: User, post: Post, answer: Comment | None) -> Question:
    """Mark ``answer`` as the question's accepted answer (``None``: unmark it): the asker or a moderator."""
    access.require(actor, Action.ACCEPT_ANSWER, post)
    if answer is not None:
        _answer_of(post, answer)
    question = Question.objects.select_for_update().get(post_id=post.pk)
    question.accepted_answer = answer
    question.accepted_by = actor if answer is not None else None
    question.accepted_at = timezone.now() if answer is not None else None
    question.save(update_fields=["accepted_answer", "accepted_by", "accepted_at"])
    emit(AnswerAccepted(actor_id=actor.pk, post_id=post.pk, comment_id=answer.pk if answer is not None else None))
    return question


@transaction.atomic
def question_follow(*, actor: User, post: Post, follow: bool = True) -> bool:
    """Follow the question (be told of its new answers), or stop; True when something changed."""
    access.require(actor, Action.FOLLOW_QUESTION, post)
    if not follow:
        deleted, _detail = QuestionFollow.objects.filter(question_id=post.pk, user_id=actor.pk).delete()
        return bool(deleted)
    _follow, created = QuestionFollow.objects.get_or_create(question_id=post.pk, user_id=actor.pk)
    return created
