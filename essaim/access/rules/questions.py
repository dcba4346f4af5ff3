"""Who may act on questions and polls: they are posts (``PostKind``), read and written by the post's rules.

* **Voting an answer up** (``VOTE_ANSWER``) and **voting in a poll** (``VOTE_POLL``): whoever may react to
  the post (reads it, and in a space holds a role that may react there: ``rules/spaces.py``); a poll's
  author votes in it too, as everyone else.
* **Accepting an answer** (``ACCEPT_ANSWER``): the asker, or whoever moderates the question's space
  (its moderators, admins and owners), while they may read it.
* **Following a question** (``FOLLOW_QUESTION``): whoever reads it (guests included: they read it in
  their space).

Each action applies only to its kind of post: a vote in a poll on a question is refused, as any action
on the wrong kind (``PostPolicy`` asks here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import can
from essaim.access.roles import Actor

_KIND_OF = {
    Action.VOTE_ANSWER: "question",
    Action.ACCEPT_ANSWER: "question",
    Action.FOLLOW_QUESTION: "question",
    Action.VOTE_POLL: "poll",
}


def can_on_post(
    actor: Actor,
    action: Action,
    post: Any,
    *,
    readable: Callable[[Actor, Any], bool],
    moderates: Callable[[Actor, Any], bool],
) -> bool:
    if post.kind != _KIND_OF[action] or not roles.is_signed_in(actor) or not readable(actor, post):
        return False
    match action:
        case Action.VOTE_ANSWER | Action.VOTE_POLL:
            return post.space_id is None or can(actor, Action.REACT, post.space)
        case Action.ACCEPT_ANSWER:
            return roles.is_self(actor, post.author) or moderates(actor, post)
        case _:  # FOLLOW_QUESTION
            return True
