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
    with_documents: bool = False  # it has files that are not images (their text is extracted)
    # ``False`` for all but the last of many posts written at once (a feed's import): open pages are told
    # once, not once a post (``realtime.consumers``); every other consumer sees each post.
    live: bool = True


@dataclasses.dataclass(frozen=True, kw_only=True)
class PostEdited(Event):
    """A post's text or files changed. ``mentioned_ids``: people its new text mentions who were not
    mentioned before; ``delivered``: as for ``PostCreated`` (they may need the post in their timeline)."""

    post_id: int
    mentioned_ids: tuple[int, ...] = ()
    delivered: bool = True
    with_documents: bool = False  # files that are not images were added


@dataclasses.dataclass(frozen=True, kw_only=True)
class LinkPreviewChanged(Event):
    """The card of a post's link came (its task fetched it after the post was shown), changed or went: its open
    pages redraw the post."""

    post_id: int


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
    """A comment was written; ``post_kind``: what its post is (a top-level comment on a question is an answer)."""

    comment_id: int
    post_id: int
    parent_id: int | None
    mentioned_ids: tuple[int, ...] = ()
    with_documents: bool = False  # as for ``PostCreated``
    post_kind: str = "post"


@dataclasses.dataclass(frozen=True, kw_only=True)
class CommentEdited(Event):
    """A comment's text changed (search reindexes it)."""

    comment_id: int
    post_id: int


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
class AnswerAccepted(Event):
    """A question's accepted answer changed (``comment_id`` None: unmarked): its pages redraw it."""

    post_id: int
    comment_id: int | None


@dataclasses.dataclass(frozen=True, kw_only=True)
class PollVoted(Event):
    """Someone voted in a poll, or changed their vote: its results changed (its open pages redraw them)."""

    post_id: int
    poll_id: int


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


# --- documents


@dataclasses.dataclass(frozen=True, kw_only=True)
class DocumentTextExtracted(Event):
    """The text of a post's file (``comment_id`` None) or of a comment's file was stored
    (``documents.models.DocumentText``): search indexes it. ``actor_id`` is None (the worker)."""

    attachment_id: int
    post_id: int
    comment_id: int | None


# --- calendar (essaim.calendar)


@dataclasses.dataclass(frozen=True, kw_only=True)
class EventChanged(Event):
    """An event's time, place or capacity changed (``changes``: the names of the fields that did), or it was
    cancelled (``cancelled``): those who answered it are told."""

    event_id: int
    changes: tuple[str, ...] = ()
    cancelled: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True)
class RsvpChanged(Event):
    """``user_id`` answered ``event_id`` (``answer``: ``calendar.Rsvp.Answer``, "" when the answer was taken
    back); ``promoted_ids``: the people the waiting list moved to "going" as a place freed up."""

    event_id: int
    user_id: int
    answer: str
    promoted_ids: tuple[int, ...] = ()


# --- e-mail


@dataclasses.dataclass(frozen=True, kw_only=True)
class MailReceived(Event):
    """The mail gateway accepted a message for one of Essaim's addresses (``mailgate.InboundMail``)."""

    mail_id: int


# --- accounts


@dataclasses.dataclass(frozen=True, kw_only=True)
class AccountErased(Event):
    """A network administrator erased an account (``privacy.erasure``): with everything the person wrote
    (``content_kept`` false: each post was also said by ``PostDeleted``), or keeping it under an anonymous
    name (``content_kept``: what names them in indexes and caches must be written again)."""

    user_id: int
    content_kept: bool


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        PostCreated,
        PostEdited,
        PostDeleted,
        PostHidden,
        CommentCreated,
        CommentEdited,
        ReactionAdded,
        ReactionRemoved,
        AnnouncementPublished,
        AnswerAccepted,
        PollVoted,
        LinkPreviewChanged,
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
        DocumentTextExtracted,
        EventChanged,
        RsvpChanged,
        MailReceived,
        AccountErased,
    )
}


def from_payload(kind: str, payload: dict[str, Any]) -> Event:
    """The event an outbox row holds (lists come back as tuples)."""
    values: dict[str, Any] = {name: tuple(v) if isinstance(v, list) else v for name, v in payload.items()}
    return EVENT_TYPES[kind](**values)
