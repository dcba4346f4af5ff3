"""Essaim's ``question`` on a status (Mastodon has no questions): whether it is answered, its accepted answer."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from essaim.api.body import Body


class QuestionEntity(Schema):
    answered: bool
    accepted_answer_id: str | None  # the accepted answer: a reply to the question (a status id)


class AcceptBody(Body):
    answer_id: str | None = Field(
        ..., json_schema_extra={"pattern": "^[0-9]{1,19}$"}, description="The answer to accept; null unmarks it."
    )


class VoteBody(Body):
    up: bool = Field(True, description="false takes the vote back.")


class FollowBody(Body):
    follow: bool = Field(True, description="false stops following.")


def question_data(card: Any) -> dict[str, Any]:
    accepted = card.accepted
    return {"answered": card.answered, "accepted_answer_id": str(accepted.pk) if accepted is not None else None}
