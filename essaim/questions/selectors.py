"""Reads of questions: what a question's card and page show, its answers' votes, unanswered questions.

Every read starts from a post the reader may read (``stream.selectors`` decided it, or ``access.visible``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.core.pagination import Cursor, Page, paginate
from essaim.questions.models import AnswerVote, Question, QuestionFollow
from essaim.stream.models import Comment, Post, PostKind, PostTag, Tag

ANSWER_TEMPLATE = "questions/answer.html"
SPACE_SECTION_LIMIT = 5


@dataclass(frozen=True)
class QuestionCard:
    """What a question's card shows besides the post: its accepted answer (with author), if any."""

    accepted: Comment | None
    answered: bool


@dataclass(frozen=True)
class AnswerInfo:
    """An answer on its question's page: its votes, the reader's vote, and what the reader may do."""

    votes: int
    voted: bool
    accepted: bool
    can_vote: bool
    can_accept: bool


def hydrate_questions(*, actor: Actor, posts: Sequence[Post]) -> None:
    """The cards of a page's questions (``stream.kinds``): one query for their accepted answers."""
    rows = Question.objects.filter(post_id__in=[p.pk for p in posts]).select_related("accepted_answer__author__profile")
    accepted = {q.post_id: q.accepted_answer for q in rows}
    for post in posts:
        answer = accepted.get(post.pk)
        post.question_card = QuestionCard(accepted=answer, answered=post.comment_count > 0)  # type: ignore[attr-defined]
        post.kind_key = (  # type: ignore[attr-defined]  # the card cache's input (``cards.card_key``)
            (answer.pk, answer.edited_at, answer.author_id, answer.author.get_full_name())
            if answer is not None
            else None
        )


def arrange_threads(*, actor: Actor, post: Post, threads: list[Any]) -> list[Any]:
    """A question's answers on its page: the accepted one first, then the most voted, then the oldest; each
    with its ``AnswerInfo`` (``comment.answer``). Two queries: the question, the answers' votes."""
    question = Question.objects.filter(post_id=post.pk).first()
    accepted_id = question.accepted_answer_id if question is not None else None
    answer_ids = [t.comment.pk for t in threads]
    votes: Counter[int] = Counter()
    mine: set[int] = set()
    if answer_ids:
        for answer_id, user_id in AnswerVote.objects.filter(answer_id__in=answer_ids).values_list(
            "answer_id", "user_id"
        ):
            votes[answer_id] += 1
            if user_id == actor.pk:
                mine.add(answer_id)
    may_vote = access.can(actor, Action.VOTE_ANSWER, post)
    may_accept = access.can(actor, Action.ACCEPT_ANSWER, post)
    for thread in threads:
        comment = thread.comment
        comment.kind_template = ANSWER_TEMPLATE
        comment.answer = AnswerInfo(
            votes=votes[comment.pk],
            voted=comment.pk in mine,
            accepted=comment.pk == accepted_id,
            can_vote=may_vote and comment.author_id != actor.pk,
            can_accept=may_accept,
        )
    return sorted(threads, key=lambda t: (not t.comment.answer.accepted, -t.comment.answer.votes, t.comment.pk))


def question_get(*, post: Post) -> Question | None:
    return Question.objects.filter(post_id=post.pk).first()


def question_followed(*, actor: Actor, post: Post) -> bool:
    return QuestionFollow.objects.filter(question_id=post.pk, user_id=actor.pk).exists()


def answer_get(*, post: Post, answer_id: int) -> Comment:
    """A top-level comment of ``post`` (already checked readable), or 404."""
    from django.http import Http404

    answer = Comment.objects.filter(pk=answer_id, post_id=post.pk, parent__isnull=True).first()
    if answer is None:
        raise Http404
    return answer


def answer_votes(*, answer: Comment) -> int:
    return AnswerVote.objects.filter(answer_id=answer.pk).count()


def _unanswered(actor: Actor) -> Any:
    """Questions with no answer yet that ``actor`` may read (the posts' ``post_unanswered`` index)."""
    posts = Post.objects.filter(kind=PostKind.QUESTION, comment_count=0).select_related("author__profile", "space")
    return access.visible(actor, posts)


def unanswered_page(
    *,
    actor: Actor,
    cursor: Cursor,
    space_ids: Sequence[int] | None = None,
    tag: Tag | None = None,
    company: bool = False,
) -> Page[Post]:
    """A page of the unanswered questions ``actor`` may read, newest first: all of them (the home feed's
    filter), the company-wide ones (``company``), those of ``space_ids`` (a space's), or those tagged
    ``tag``; hydrated as the feeds are."""
    from essaim.stream.selectors import hydrate

    queryset = _unanswered(actor)
    if company:
        queryset = queryset.filter(space__isnull=True, visibility="company")
    if space_ids is not None:
        queryset = queryset.filter(space_id__in=list(space_ids))
    if tag is not None:
        queryset = queryset.filter(pk__in=PostTag.objects.filter(tag=tag).values("post_id"))
    page = paginate(queryset, cursor)
    return Page(
        items=hydrate(actor=actor, posts=page.items), next_max_id=page.next_max_id, prev_min_id=page.prev_min_id
    )


def unanswered_in_space(*, actor: Actor, space_id: int, limit: int = SPACE_SECTION_LIMIT) -> list[Post]:
    """The space page's section: its newest unanswered questions (not hydrated: listed by title)."""
    return list(_unanswered(actor).filter(space_id=space_id).order_by("-id")[:limit])
