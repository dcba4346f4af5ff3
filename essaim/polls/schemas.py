"""Mastodon's Poll entity, as statuses carry it (``status.poll``) and ``/api/v1/polls/:id`` answers it.

``votes_count`` of an option is ``null`` while its reader may not see the results (they have not voted
and the poll is open, or its author hid the counts until it closes), as Mastodon does for hidden totals.
``anonymous`` is Essaim's: whether voters' names are shown (said before voting).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import BaseModel, Field

from essaim.api.body import Body
from essaim.polls.models import MAX_OPTIONS, MIN_OPTIONS, OPTION_MAX_CHARS


class PollOptionEntity(Schema):
    title: str
    votes_count: int | None


class PollEntity(Schema):
    id: str
    expires_at: datetime | None
    expired: bool
    multiple: bool
    votes_count: int
    voters_count: int | None
    options: list[PollOptionEntity]
    emojis: list[Any]
    voted: bool
    own_votes: list[int]
    anonymous: bool  # Essaim: voters' names are not shown


class PollCreate(BaseModel):
    """``poll`` of a new status (Mastodon's ``poll[options][]``, ``poll[expires_in]``, ``poll[multiple]``,
    ``poll[hide_totals]``; Essaim's ``poll[anonymous]``)."""

    options: list[str] = Field(
        ...,
        min_length=MIN_OPTIONS,
        max_length=MAX_OPTIONS,
        json_schema_extra={"items": {"type": "string", "maxLength": OPTION_MAX_CHARS}},
        description="From 2 to 10 different options, each of at most 100 characters.",
    )
    expires_in: int | None = Field(
        None, description="Seconds until the poll closes (from 300 to a year); left out, it never closes."
    )
    multiple: bool = Field(False, description="Whether several options may be chosen.")
    hide_totals: bool = Field(False, description="Hide the counts until the poll closes.")
    anonymous: bool = Field(True, description="Essaim: false shows who voted for what (said before voting).")


class PollVoteBody(Body):
    choices: list[int] = Field(..., min_length=1, description="The chosen options' indexes, from 0.")


def poll_data(view: Any) -> dict[str, Any]:
    """A ``selectors.PollView`` as Mastodon's Poll."""
    poll = view.poll
    shown = view.show_results
    return {
        "id": str(poll.pk),
        "expires_at": poll.expires_at,
        "expired": view.closed,
        "multiple": poll.multiple,
        "votes_count": poll.votes_count if shown else 0,
        "voters_count": poll.voters_count if shown or not poll.hide_totals else None,
        "options": [{"title": o.title, "votes_count": o.votes if shown else None} for o in view.options],
        "emojis": [],
        "voted": view.voted,
        "own_votes": [o.position for o in view.options if o.mine],
        "anonymous": poll.anonymous,
    }
