"""The domain events services record: what happened, by ids, never HTML.

An event says what changed and who did it, in ids and a few plain values; a consumer reads what
it needs from the database when it acts, and asks ``access`` what its reader may see (a post
hidden or deleted since is not shown to anyone). Events are frozen dataclasses so that they can
be written to the outbox (``events.models.OutboxItem``) and read back (``from_payload``) with no
loss: every field is a JSON value (int, str, bool, None, or a tuple of them).

Adding an event: a dataclass here, listed in ``EVENT_TYPES`` by its class name (the outbox stores
that name, so never rename one that has been released: add a new one).
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar


@dataclasses.dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened, said by ids; ``actor_id`` is who did it (``None``: the system)."""

    actor_id: int | None

    kind: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.kind = cls.__name__

    def payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# --- the stream


@dataclasses.dataclass(frozen=True, kw_only=True)
class PostCreated(Event):
    """A post was written. ``delivered``: its home timelines were filled in its own transaction
    (``stream.timelines.deliver_if_small``); else a consumer fills them."""

    post_id: int
    space_id: int | None
    mentioned_ids: tuple[int, ...] = ()
    delivered: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True)
class PostEdited(Event):
    """A post's text or files changed. ``mentioned_ids``: people its new text mentions who were not
    mentioned before; ``delivered``: as for ``PostCreated`` (they may need the post in their timeline)."""

    post_id: int
    mentioned_ids: tuple[int, ...] = ()
    delivered: bool = True


@dataclasses.dataclass(frozen=True, kw_only=True)
class PostDeleted(Event):
    post_id: int
    author_id: int
    space_id: int | None


@dataclasses.dataclass(frozen=True, kw_only=True)
class PostHidden(Event):
    """Moderation hid (``hidden``) or showed again a post."""

    post_id: int
    hidden: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class CommentCreated(Event):
    comment_id: int
    post_id: int
    parent_id: int | None
    mentioned_ids: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReactionAdded(Event):
    post_id: int
    emoji: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReactionRemoved(Event):
    """A reaction taken back: the post's counts changed (its open pages redraw them)."""

    post_id: int
    emoji: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class AnnouncementPublished(Event):
    post_id: int


# --- idea boxes, praise, must-read announcements


@dataclasses.dataclass(frozen=True, kw_only=True)
class IdeaVoted(Event):
    """``actor_id`` voted for (``voted``) or took back their vote on the idea ``post_id``: its count changed."""

    post_id: int
    voted: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class IdeaStatusChanged(Event):
    """A moderator set the status of the idea ``post_id`` (``ideas.models.IdeaStatus``) and its official
    answer: its author and its voters are told."""

    post_id: int
    status: str
    previous_status: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PraiseGiven(Event):
    """``actor_id`` praised ``praised_ids`` in the post ``post_id`` (of kind ``praise``): they are told."""

    post_id: int
    praised_ids: tuple[int, ...]
    badge: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReadConfirmed(Event):
    """``actor_id`` confirmed they read the must-read announcement ``post_id``."""

    post_id: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReadReminderSent(Event):
    """The author of the must-read announcement ``post_id`` (or an administrator) reminded the people who have
    not confirmed it yet (the consumer reads who they are when it runs; ``reminder`` makes each run its own)."""

    post_id: int
    reminder: int


# --- people


@dataclasses.dataclass(frozen=True, kw_only=True)
class Followed(Event):
    """``actor_id`` now follows ``followed_id``."""

    followed_id: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class Unfollowed(Event):
    followed_id: int


# --- spaces


@dataclasses.dataclass(frozen=True, kw_only=True)
class SpaceInvitationSent(Event):
    """An invitation into a space, for an account (``user_id``) or an address (``user_id`` None)."""

    invitation_id: int
    space_id: int
    user_id: int | None


@dataclasses.dataclass(frozen=True, kw_only=True)
class JoinRequested(Event):
    request_id: int
    space_id: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class JoinAnswered(Event):
    request_id: int
    space_id: int
    user_id: int
    accepted: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class MembershipChanged(Event):
    """``user_id`` joined (``role`` set, ``previous_role`` None), left (``role`` None) or changed role
    in ``space_id``; by themselves, by an administrator, or by a membership rule (``actor_id`` None)."""

    space_id: int
    user_id: int
    role: str | None
    previous_role: str | None = None


# --- moderation


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReportsResolved(Event):
    """A moderator decided ``report_id`` (``decision``: ``moderation.models.Decision``); it resolved every open
    report of the same target, ``report_ids`` (that one included): their reporters are told the outcome, the
    author what was done and why."""

    report_id: int
    report_ids: tuple[int, ...]
    decision: str


# --- e-mail


@dataclasses.dataclass(frozen=True, kw_only=True)
class MailReceived(Event):
    """The mail gateway accepted a message for one of Essaim's addresses (``mailgate.InboundMail``)."""

    mail_id: int


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        PostCreated,
        PostEdited,
        PostDeleted,
        PostHidden,
        CommentCreated,
        ReactionAdded,
        ReactionRemoved,
        AnnouncementPublished,
        IdeaVoted,
        IdeaStatusChanged,
        PraiseGiven,
        ReadConfirmed,
        ReadReminderSent,
        Followed,
        Unfollowed,
        SpaceInvitationSent,
        JoinRequested,
        JoinAnswered,
        MembershipChanged,
        ReportsResolved,
        MailReceived,
    )
}


def from_payload(kind: str, payload: dict[str, Any]) -> Event:
    """The event an outbox row holds (lists come back as tuples)."""
    values: dict[str, Any] = {name: tuple(v) if isinstance(v, list) else v for name, v in payload.items()}
    return EVENT_TYPES[kind](**values)
