"""Reads of polls: what a poll's card shows to its reader, and a poll by id for the API."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.http import Http404

from essaim.access.roles import Actor
from essaim.polls.models import Poll, PollOption, PollVote
from essaim.stream.models import Post

VOTER_NAMES = 20  # names shown per option of a named poll


@dataclass(frozen=True)
class OptionView:
    position: int
    title: str
    votes: int
    mine: bool
    percent: int
    voters: tuple[str, ...] = ()


@dataclass(frozen=True)
class PollView:
    """A poll as its reader sees it: results once they voted or once it closed (counts hidden until it
    closes when its author asked so), the options they chose."""

    poll: Poll
    options: list[OptionView] = field(default_factory=list)

    @property
    def voted(self) -> bool:
        return any(o.mine for o in self.options)

    @property
    def closed(self) -> bool:
        return self.poll.is_closed

    @property
    def show_results(self) -> bool:
        return self.closed or (self.voted and not self.poll.hide_totals)

    @property
    def can_vote(self) -> bool:
        return not self.closed

    def key(self) -> tuple[object, ...]:
        return (
            self.poll.pk,
            self.poll.voters_count,
            self.closed,
            self.poll.expires_at,
            tuple((o.votes, o.mine, o.voters) for o in self.options),
        )


def _views(actor: Actor, options: Sequence[PollOption], named_voters: dict[int, list[str]]) -> dict[int, PollView]:
    by_poll: dict[int, list[PollOption]] = defaultdict(list)
    polls: dict[int, Poll] = {}
    for option in options:
        by_poll[option.poll_id].append(option)
        polls[option.poll_id] = option.poll
    views = {}
    for poll_id, of_poll in by_poll.items():
        poll = polls[poll_id]
        total = poll.votes_count or 0
        views[poll.post_id] = PollView(
            poll=poll,
            options=[
                OptionView(
                    position=o.position,
                    title=o.title,
                    votes=o.votes_count,
                    mine=bool(getattr(o, "mine", False)),
                    percent=round(100 * o.votes_count / total) if total else 0,
                    voters=tuple(named_voters.get(o.pk, ())[:VOTER_NAMES]),
                )
                for o in sorted(of_poll, key=lambda o: o.position)
            ],
        )
    return views


def _options_of(actor: Actor, **where: object) -> list[PollOption]:
    """The options with their poll and whether ``actor`` chose each: one query."""
    options = PollOption.objects.filter(**where).select_related("poll")
    if actor is not None and actor.is_authenticated:
        options = options.annotate(mine=Exists(PollVote.objects.filter(option_id=OuterRef("pk"), user_id=actor.pk)))
    return list(options)


def _named_voters(options: Sequence[PollOption]) -> dict[int, list[str]]:
    """Who chose what in the named polls among ``options``' (one query, only when there is one)."""
    named = {o.poll_id for o in options if not o.poll.anonymous}
    voters: dict[int, list[str]] = defaultdict(list)
    if named:
        for vote in PollVote.objects.filter(poll_id__in=named).select_related("user").order_by("id"):
            voters[vote.option_id].append(vote.user.get_full_name() or vote.user.handle)
    return voters


def hydrate_polls(*, actor: Actor, posts: Sequence[Post]) -> None:
    """The cards of a page's polls (``stream.kinds``): one query (and one for the names of named polls)."""
    options = _options_of(actor, poll__post_id__in=[p.pk for p in posts])
    views = _views(actor, options, _named_voters(options))
    for post in posts:
        view = views.get(post.pk)
        post.poll_view = view  # type: ignore[attr-defined]  # hydrated for templates
        post.kind_key = view.key() if view is not None else None  # type: ignore[attr-defined]


def poll_view_for(*, actor: Actor, post: Post) -> PollView | None:
    options = _options_of(actor, poll__post_id=post.pk)
    return _views(actor, options, _named_voters(options)).get(post.pk)


def poll_get_for(*, actor: Actor, poll_id: int) -> Poll:
    """The poll with its post (author, space), or 404 when missing or when ``actor`` may not read its post."""
    from essaim.stream.selectors import post_get_for

    poll = Poll.objects.filter(pk=poll_id).first() if 0 < poll_id < 1 << 63 else None
    if poll is None:
        raise Http404
    poll.post = post_get_for(actor=actor, post_id=poll.post_id)  # 404 as a missing one when not readable
    return poll


def poll_of_post(*, post: Post) -> Poll:
    """The poll of a post already checked readable (``post`` set on it), or 404."""
    poll = Poll.objects.filter(post_id=post.pk).first()
    if poll is None:
        raise Http404
    poll.post = post
    return poll
