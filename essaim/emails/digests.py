"""Daily and weekly digests: what happened in a person's spaces and the network, once per day or week.

A periodic job (``jobs``, every quarter of an hour) sends each person whose digest is owed: the
hour ``DIGEST_HOUR`` has passed on their own clock (their time zone) today (daily) or this ISO
week (weekly, from Monday), they are not in their quiet hours, and no ``DigestSent`` row says they
got it. A run that was missed (no worker for a while) is caught up by the next one.

What a digest holds, all of it re-checked for its reader through ``access``: the most discussed
posts (comments and reactions), announcements, posts of their spaces still waiting for an answer
(no comment yet, not their own) and their spaces' new members. Nothing to tell: no e-mail.

For 10,000 people the candidates are read once per run and period, streamed (the period's posts,
of which the best ``CANDIDATES`` per space and section are kept; the new memberships), then people
go by chunks of ``CHUNK``: one query for a chunk's memberships, the policy's loaded-rows check for
each person, one e-mail each. Memory grows with the spaces that were active, not with the people.
"""

from __future__ import annotations

import heapq
import logging
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from essaim import access
from essaim.accounts.models import User
from essaim.emails import compose
from essaim.emails.models import DigestDelivery
from essaim.network.site import site_url
from essaim.notifications.models import DEFAULT_DIGEST, Digest, EmailPreferences
from essaim.notifications.quiet_hours import is_quiet, local
from essaim.spaces.models import Membership, Space
from essaim.stream.models import Post

logger = logging.getLogger(__name__)

CHUNK = 500
DISCUSSED = 5
ANNOUNCEMENTS = 5
UNANSWERED = 5
CANDIDATES = 5  # per space and section: a person's top five are among their spaces' top five
NEW_MEMBERS = 8  # named per space
EXCERPT_CHARS = 400
FORGET_AFTER = timedelta(days=30)
CLAIM_LEASE = timedelta(minutes=10)  # the job's lease: a run that claimed a chunk this long ago has died


@dataclass(frozen=True)
class Owed:
    person_id: int
    period: str
    weekly: bool


def owed(now: datetime) -> list[Owed]:
    """Everyone whose digest is due at ``now`` and not yet sent."""
    hour = int(getattr(settings, "DIGEST_HOUR", 8))
    chosen = {p.user_id: p for p in EmailPreferences.objects.all()}
    clocks: dict[str, datetime] = {}
    found: list[Owed] = []
    for pk, zone_name in (
        User.objects.filter(is_active=True).exclude(email="").exclude(kind=User.Kind.BOT).values_list("pk", "timezone")
    ):
        preferences = chosen.get(pk)
        frequency = preferences.digest if preferences else DEFAULT_DIGEST
        if frequency == Digest.NEVER:
            continue
        clock = clocks.get(zone_name) or clocks.setdefault(zone_name, local(now, zone_name))
        if preferences and is_quiet(clock.time(), preferences.quiet_from, preferences.quiet_until):
            continue
        year, week, weekday = clock.isocalendar()
        if frequency == Digest.DAILY and clock.hour >= hour:
            found.append(Owed(pk, f"day:{clock.date().isoformat()}", weekly=False))
        elif frequency == Digest.WEEKLY and (weekday > 1 or clock.hour >= hour):
            found.append(Owed(pk, f"week:{year}-W{week:02d}", weekly=True))
    periods = {o.period for o in found}
    live = DigestDelivery.objects.filter(period__in=periods).exclude(sent_at=None, claimed_at__lt=now - CLAIM_LEASE)
    done = set(live.values_list("user_id", "period"))  # sent, or claimed by a run that is still alive
    return [o for o in found if (o.person_id, o.period) not in done]


class Candidates:
    """The posts and new members of one period (since ``since``), read once, by space (``None``: outside
    spaces), best first in each section."""

    def __init__(self, since: datetime, until: datetime) -> None:
        posts = (
            Post.objects.filter(created_at__gte=since, created_at__lt=until, hidden_at=None)
            .select_related("author", "space")
            .only(
                "id",
                "body",
                "visibility",
                "created_at",
                "comment_count",
                "reaction_counts",
                "is_announcement",
                "hidden_at",
                "author_id",
                "space_id",
                "author__first_name",
                "author__last_name",
                "author__handle",
                "author__kind",
                "author__is_active",
                "space__name",
                "space__slug",
                "space__visibility",
            )
        )
        best: dict[tuple[str, int | None], list[tuple[Any, int, Post]]] = defaultdict(list)  # min-heaps
        site = site_url()
        post_url = site + reverse("stream:post-detail", kwargs={"post_id": 987654321}).replace("987654321", "{}")
        for post in posts.iterator(chunk_size=2000):  # a week's posts are read once, never all held
            score = _score(post)
            rank: tuple[Any, ...]
            if post.is_announcement:
                section, rank = "announcements", (post.created_at,)
            elif score > 0:
                section, rank = "discussed", (score, post.created_at)
            elif post.space_id is not None:
                section, rank = "unanswered", (post.created_at,)
            else:
                continue
            post.body = post.body[:EXCERPT_CHARS]  # the e-mail shows its first words: keep no more
            heap = best[section, post.space_id]
            if len(heap) < CANDIDATES:
                heapq.heappush(heap, (rank, post.pk, post))
            elif (rank, post.pk) > heap[0][:2]:
                heapq.heapreplace(heap, (rank, post.pk, post))
        self.discussed: dict[int | None, list[Post]] = defaultdict(list)
        self.announcements: dict[int | None, list[Post]] = defaultdict(list)
        self.unanswered: dict[int | None, list[Post]] = defaultdict(list)
        for (section, space_id), heap in best.items():
            kept = [post for _rank, _pk, post in sorted(heap, key=lambda entry: entry[:2], reverse=True)]
            for post in kept:
                post.email_url = post_url.format(post.pk)  # type: ignore[attr-defined]  # once, not once per e-mail
            getattr(self, section)[space_id] = kept
        self.new_members: dict[int, list[User]] = defaultdict(list)
        self.spaces: dict[int, Space] = {}
        joined = (
            Membership.objects.filter(created_at__gte=since).select_related("user", "space").order_by("-created_at")
        )
        for membership in joined.order_by("-created_at"):
            if membership.user.is_active and len(self.new_members[membership.space_id]) < NEW_MEMBERS + 1:
                self.new_members[membership.space_id].append(membership.user)
                self.spaces[membership.space_id] = membership.space
                membership.space.email_url = site + membership.space.get_absolute_url()  # type: ignore[attr-defined]

    def digest_for(self, person: User, space_ids: set[int]) -> compose.Digest:
        where = [None, *sorted(space_ids)]
        candidates = {
            post.pk: post
            for section in (self.discussed, self.announcements, self.unanswered)
            for key in where
            for post in section.get(key, ())
        }
        readable = {post.pk for post in access.visible_among(person, list(candidates.values()))}

        def pick(section: dict[int | None, list[Post]], keys: list[int | None], limit: int, newest: bool) -> list[Post]:
            found = [p for key in keys for p in section.get(key, ()) if p.pk in readable and p.author_id != person.pk]
            return sorted(found, key=(_newest if newest else _score), reverse=True)[:limit]

        spaces = sorted(space_ids)
        new_members = [
            (self.spaces[space_id], [m for m in self.new_members[space_id] if m.pk != person.pk][:NEW_MEMBERS])
            for space_id in spaces
            if space_id in self.new_members
        ]
        return compose.Digest(
            discussed=pick(self.discussed, where, DISCUSSED, newest=False),
            announcements=pick(self.announcements, where, ANNOUNCEMENTS, newest=True),
            unanswered=pick(self.unanswered, list(spaces), UNANSWERED, newest=True),
            new_members=[(space, people) for space, people in new_members if people],
        )


def _score(post: Post) -> int:
    return post.comment_count + sum((post.reaction_counts or {}).values())


def _newest(post: Post) -> datetime:
    return post.created_at


def send_due(*, now: datetime | None = None) -> int:
    """Send every digest that is owed at ``now``; returns how many e-mails went out."""
    now = now or timezone.now()
    DigestDelivery.objects.filter(claimed_at__lt=now - FORGET_AFTER).delete()
    due = owed(now)
    if not due:
        return 0
    windows = {
        weekly: Candidates(now - (timedelta(days=7) if weekly else timedelta(days=1)), now)
        for weekly in {o.weekly for o in due}
    }
    sent = 0
    with mailers.default as connection:
        for chunk in _chunks(due):
            sent += _send_chunk(chunk, windows, connection, now=now)
    return sent


def _chunks(due: list[Owed]) -> Iterator[list[Owed]]:
    for start in range(0, len(due), CHUNK):
        yield due[start : start + CHUNK]


def _claim(chunk: list[Owed], now: datetime) -> set[int]:
    """This run's claim on ``chunk``'s digests: new rows, and the unsent rows of a run that died. Returns the
    people it holds (another live run's are left to it)."""
    token = uuid.uuid4().hex
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(user_id=o.person_id, period=o.period, claim=token, claimed_at=now) for o in chunk],
        ignore_conflicts=True,
    )
    for period in {o.period for o in chunk}:
        DigestDelivery.objects.filter(
            period=period,
            user_id__in=[o.person_id for o in chunk if o.period == period],
            sent_at=None,
            claimed_at__lt=now - CLAIM_LEASE,
        ).update(claim=token, claimed_at=now)
    return set(DigestDelivery.objects.filter(claim=token, sent_at=None).values_list("user_id", flat=True))


def _send_chunk(
    chunk: list[Owed], windows: dict[bool, Candidates], connection: BaseEmailBackend, *, now: datetime
) -> int:
    """Claim the chunk's digests, then send them one by one, each stamped sent just before it goes."""
    mine = _claim(chunk, now)
    people = User.objects.in_bulk([o.person_id for o in chunk if o.person_id in mine])
    spaces: dict[int, set[int]] = defaultdict(set)
    for user_id, space_id in Membership.objects.filter(user_id__in=list(people)).values_list("user_id", "space_id"):
        spaces[user_id].add(space_id)
    sent = 0
    for o in chunk:
        person = people.get(o.person_id)
        if person is None:
            continue
        row = DigestDelivery.objects.filter(user_id=person.pk, period=o.period)
        row.update(sent_at=timezone.now())  # from here on, never again: even if this process dies now
        digest = windows[o.weekly].digest_for(person, spaces[person.pk])
        if digest.is_empty():
            continue  # nothing to tell: no e-mail, and the next runs do not look again
        try:
            connection.send_messages([compose.digest_email(person, digest, weekly=o.weekly)])
        except smtplib.SMTPRecipientsRefused:
            logger.warning("E-mail: the mail server refused %s's address for their digest", person.pk)
            continue
        except Exception:
            row.update(sent_at=None)  # the server is down: the next run tries again
            raise
        sent += 1
    return sent
