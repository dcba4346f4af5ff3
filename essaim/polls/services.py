"""Writes of polls: the poll with its post (``stream.kinds``), and votes.

A vote replaces the voter's earlier one (a vote can change until the poll closes). Votes of one poll take
turns on its row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's writers already take turns), and the
counts are recounted from the votes in the same transaction: however many people vote at once, no vote is
lost or counted twice (``tests/polls/test_concurrency.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.events import emit
from essaim.events.types import PollVoted
from essaim.polls.models import MAX_OPTIONS, MIN_OPTIONS, OPTION_MAX_CHARS, Poll, PollOption, PollVote
from essaim.stream.models import Post

MIN_DURATION = timedelta(minutes=5)
MAX_DURATION = timedelta(days=365)


@dataclass(frozen=True)
class PollInput:
    options: tuple[str, ...]
    multiple: bool = False
    expires_in: int | None = None  # seconds; None: open until its author closes… never
    anonymous: bool = True
    hide_totals: bool = False


def poll_prepare(*, actor: User, data: Mapping[str, Any]) -> PollInput:
    """The poll's input checked, with a message per field: 2 to 10 distinct options of at most 100
    characters, a closing time between 5 minutes and a year away."""
    options = [str(o).strip() for o in data.get("options") or () if str(o).strip()]
    if len(options) < MIN_OPTIONS:
        raise ValidationError({"options": _("Give at least two options.")})
    if len(options) > MAX_OPTIONS:
        raise ValidationError({"options": _("A poll has at most ten options.")})
    if any(len(o) > OPTION_MAX_CHARS for o in options):
        raise ValidationError({"options": _("An option has at most 100 characters.")})
    if len({o.casefold() for o in options}) < len(options):
        raise ValidationError({"options": _("Each option must be different.")})
    expires_in = data.get("expires_in")
    if expires_in in ("", None):
        expires_in = None
    else:
        try:
            expires_in = int(expires_in)
        except (TypeError, ValueError):
            raise ValidationError({"expires_in": _("Choose when the poll closes.")}) from None
        if not MIN_DURATION.total_seconds() <= expires_in <= MAX_DURATION.total_seconds():
            raise ValidationError({"expires_in": _("A poll closes between 5 minutes and a year from now.")})
    return PollInput(
        options=tuple(options),
        multiple=bool(data.get("multiple")),
        expires_in=expires_in,
        anonymous=bool(data.get("anonymous", True)),
        hide_totals=bool(data.get("hide_totals")),
    )


def poll_write(*, actor: User, post: Post, prepared: PollInput) -> Poll:
    """The poll and its options, in the transaction of its post (``post_create`` checked the post)."""
    expires_at = post.created_at + timedelta(seconds=prepared.expires_in) if prepared.expires_in else None
    poll = Poll(
        post=post,
        multiple=prepared.multiple,
        anonymous=prepared.anonymous,
        hide_totals=prepared.hide_totals,
        expires_at=expires_at,
    )
    poll.save(force_insert=True)
    PollOption.objects.bulk_create(
        [PollOption(poll=poll, position=n, title=title) for n, title in enumerate(prepared.options)]
    )
    return poll


def _checked_choices(poll: Poll, choices: Sequence[int], option_count: int) -> list[int]:
    chosen = sorted(set(choices))
    if not chosen:
        raise ValidationError({"choices": _("Choose an option.")})
    if not poll.multiple and len(chosen) > 1:
        raise ValidationError({"choices": _("This poll takes one choice only.")})
    if any(not 0 <= c < option_count for c in chosen):
        raise ValidationError({"choices": _("Choose among the poll's options.")})
    return chosen


_OPTION_COUNTS_SQL = (
    f"UPDATE {PollOption._meta.db_table} SET votes_count = ("  # noqa: S608 - the models' tables
    f"SELECT COUNT(*) FROM {PollVote._meta.db_table} v WHERE v.option_id = {PollOption._meta.db_table}.id"
    ") WHERE poll_id = %s"
)
_POLL_COUNTS_SQL = (
    f"UPDATE {Poll._meta.db_table} SET "  # noqa: S608 - the models' tables
    f"votes_count = (SELECT COUNT(*) FROM {PollVote._meta.db_table} v WHERE v.poll_id = %s), "
    f"voters_count = (SELECT COUNT(DISTINCT v.user_id) FROM {PollVote._meta.db_table} v WHERE v.poll_id = %s) "
    "WHERE id = %s"
)


@transaction.atomic
def poll_vote(*, actor: User, poll: Poll, choices: Sequence[int]) -> Poll:
    """Vote in ``poll`` (``poll.post`` loaded) for the options at ``choices`` (0-based, as Mastodon's API
    numbers them), replacing the voter's earlier vote. Refused once the poll is closed."""
    access.require(actor, Action.VOTE_POLL, poll.post)
    if connection.features.has_select_for_update:
        list(Poll.objects.select_for_update().filter(pk=poll.pk).values_list("pk", flat=True))
    if poll.is_closed:
        raise ValidationError({"choices": _("This poll is closed.")})
    options = list(PollOption.objects.filter(poll_id=poll.pk).order_by("position").values_list("pk", flat=True))
    chosen = _checked_choices(poll, choices, len(options))
    PollVote.objects.filter(poll_id=poll.pk, user_id=actor.pk).delete()
    PollVote.objects.bulk_create([PollVote(poll_id=poll.pk, option_id=options[c], user_id=actor.pk) for c in chosen])
    with connection.cursor() as cursor:
        cursor.execute(_OPTION_COUNTS_SQL, [poll.pk])
        cursor.execute(_POLL_COUNTS_SQL, [poll.pk, poll.pk, poll.pk])
    poll.refresh_from_db(fields=["votes_count", "voters_count"])
    emit(PollVoted(actor_id=actor.pk, post_id=poll.post_id, poll_id=poll.pk))
    return poll
