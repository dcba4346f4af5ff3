"""Reads of must-read announcements: one, the reader's state on cards, who confirmed and who has not."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.access.rules.mustread import must_read_targets
from essaim.accounts.models import User
from essaim.mustread.models import MustRead, ReadConfirmation
from essaim.people.models import Profile
from essaim.spaces.models import Membership
from essaim.stream import selectors as stream_selectors
from essaim.stream.models import Post

SHOWN = 200  # people listed on the page in each column; the CSV has everyone


def must_read_get_for(*, actor: Actor, post_id: int) -> MustRead:
    """The must-read of the post ``post_id`` with its post loaded, or 404 (missing, not a must-read, not
    visible to ``actor``)."""
    post = stream_selectors.post_get_for(actor=actor, post_id=post_id)
    must_read = MustRead.objects.filter(post_id=post.pk).select_related("department").first()
    if must_read is None:
        raise Http404
    must_read.post = post
    return must_read


@dataclass(frozen=True)
class ReaderState:
    must_read: MustRead
    targeted: bool  # asked to confirm
    confirmed: bool


def reader_states(*, actor: Actor, posts: list[Post]) -> dict[int, ReaderState]:
    """For each must-read among ``posts`` (announcements), whether ``actor`` is asked and has confirmed: one
    query (the same rule as ``access.rules.mustread``: the post is readable, member of its space, of its
    department)."""
    if not actor.is_authenticated:
        return {}
    rows = MustRead.objects.filter(post_id__in=[p.pk for p in posts]).annotate(
        confirmed=Exists(ReadConfirmation.objects.filter(must_read_id=OuterRef("pk"), user_id=actor.pk)),
        member=Exists(Membership.objects.filter(space_id=OuterRef("post__space_id"), user_id=actor.pk)),
        in_department=Exists(Profile.objects.filter(user_id=actor.pk, department_id=OuterRef("department_id"))),
    )
    by_id = {p.pk: p for p in posts}
    states = {}
    for row in rows:
        post = by_id[row.pk]
        targeted = (
            post.author_id != actor.pk
            and (post.space_id is None or row.member)
            and (row.department_id is None or row.in_department)
        )
        states[row.pk] = ReaderState(must_read=row, targeted=bool(targeted), confirmed=bool(row.confirmed))
    return states


@dataclass(frozen=True)
class Confirmations:
    confirmed: list[tuple[User, datetime]]  # the first ``SHOWN``, newest first
    pending: list[User]  # the first ``SHOWN``, by name
    confirmed_count: int
    pending_count: int

    @property
    def target_count(self) -> int:
        return self.confirmed_count + self.pending_count


def _pending(must_read: MustRead) -> QuerySet[User]:
    confirmed = ReadConfirmation.objects.filter(must_read=must_read, user_id=OuterRef("pk"))
    return must_read_targets(must_read).exclude(Exists(confirmed))


def confirmations_for(*, actor: Actor, must_read: MustRead, shown: int = SHOWN) -> Confirmations:
    """Who confirmed (when) and who has not, among the people it targets (``VIEW_CONFIRMATIONS``)."""
    access.require(actor, Action.VIEW_CONFIRMATIONS, must_read)
    confirmations = ReadConfirmation.objects.filter(must_read=must_read).select_related("user__profile")
    pending = _pending(must_read).select_related("profile").order_by("last_name", "first_name", "pk")
    return Confirmations(
        confirmed=[(c.user, c.confirmed_at) for c in confirmations.order_by("-confirmed_at")[:shown]],
        pending=list(pending[:shown]),
        confirmed_count=confirmations.count(),
        pending_count=pending.count(),
    )


def pending_ids(*, must_read: MustRead) -> Iterator[int]:
    """The ids of the people it targets who have not confirmed yet (for the reminder's consumer)."""
    return _pending(must_read).values_list("pk", flat=True).iterator()


def confirmation_rows_for(*, actor: Actor, must_read: MustRead) -> Iterator[tuple[User, datetime | None]]:
    """Everyone it targets, those who confirmed first (with when), then the others (``None``), for the CSV. The
    permission is checked now, before the first row is read."""
    access.require(actor, Action.VIEW_CONFIRMATIONS, must_read)
    return _rows(must_read)


def _rows(must_read: MustRead) -> Iterator[tuple[User, datetime | None]]:
    confirmed = ReadConfirmation.objects.filter(must_read=must_read).select_related("user").order_by("confirmed_at")
    for confirmation in confirmed.iterator():
        yield confirmation.user, confirmation.confirmed_at
    for user in _pending(must_read).order_by("last_name", "first_name", "pk").iterator():
        yield user, None
