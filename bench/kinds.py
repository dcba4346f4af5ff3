"""The dataset's kinds of posts (issue 20): 5 % of posts are questions, 2 % polls, with their rows.

``post_kind(index)`` decides a post's kind from its place in the plan (every hundred posts: five questions,
then two polls), so the mix is exact at every size and the rest of the plan is unchanged. A question's
first answer (the first comment by someone else) sets its time to first answer, and two answered questions
in five have their first answer accepted. A poll has three options and up to fifteen voters (its space's
members, or anyone for a post outside spaces), the counts matching the votes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

QUESTION_SHARE = 5  # in a hundred posts
POLL_SHARE = 2
POLL_OPTIONS = ("Oui", "Non", "Peut-être")
POLL_VOTERS = 15


def post_kind(index: int) -> str:
    slot = index % 100
    if slot < QUESTION_SHARE:
        return "question"
    if slot < QUESTION_SHARE + POLL_SHARE:
        return "poll"
    return "post"


def write_kind_rows(plan: Any, uid: list[int], writer: Callable[[Any, list[str]], Any]) -> dict[str, int]:
    """The questions' and polls' rows of ``plan``'s posts (``writer(Model, fields)`` is the dataset's ``Writer``)."""
    from django.db import connection

    from essaim.polls.models import Poll, PollOption, PollVote
    from essaim.questions.models import Question

    rng = random.Random(plan.seed + 20)
    first: dict[int, tuple[Any, int]] = {}  # post index -> (created_at, comment id) of its first answer
    for cid, index, author, created, _body in plan.comments:
        post = plan.posts[index]
        if (
            post_kind(index) == "question"
            and author != post.author
            and (index not in first or created < first[index][0])
        ):
            first[index] = (created, cid)
    duration = Question._meta.get_field("time_to_first_answer")

    def question_rows() -> Any:
        for index, post in enumerate(plan.posts):
            if post_kind(index) != "question":
                continue
            answered = first.get(index)
            accepted = answered is not None and rng.random() < 0.4
            took = answered[0] - post.created_at if answered is not None else None
            yield (
                post.id,
                answered[1] if accepted and answered is not None else None,
                uid[post.author] if accepted else None,
                answered[0] if accepted and answered is not None else None,
                answered[0] if answered is not None else None,
                duration.get_db_prep_value(took, connection) if took is not None else None,
            )

    counts = {
        "questions": writer(
            Question,
            ["post", "accepted_answer", "accepted_by", "accepted_at", "first_answer_at", "time_to_first_answer"],
        ).write(question_rows())
    }
    polls = [(index, post) for index, post in enumerate(plan.posts) if post_kind(index) == "poll"]
    votes: dict[int, list[tuple[int, int]]] = {}  # post id -> (person, option position)
    for _index, post in polls:
        pool = plan.spaces[post.space].members if post.space is not None else range(len(plan.people))
        voters = rng.sample(list(pool), min(POLL_VOTERS, len(pool)))
        votes[post.id] = [(person, rng.randrange(len(POLL_OPTIONS))) for person in voters]
    counts["polls"] = writer(Poll, ["id", "post", "votes_count", "voters_count"]).write(
        (post.id, post.id, len(votes[post.id]), len(votes[post.id])) for _index, post in polls
    )
    writer(PollOption, ["poll", "position", "title", "votes_count"]).write(
        (post.id, n, title, sum(1 for _p, c in votes[post.id] if c == n))
        for _index, post in polls
        for n, title in enumerate(POLL_OPTIONS)
    )
    option_ids = {(p, n): pk for pk, p, n in PollOption.objects.values_list("pk", "poll_id", "position")}
    counts["poll_votes"] = writer(PollVote, ["poll", "option", "user", "created_at"]).write(
        (post.id, option_ids[post.id, choice], uid[person], post.created_at)
        for _index, post in polls
        for person, choice in votes[post.id]
    )
    return counts
