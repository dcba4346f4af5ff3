"""Who is told what (``essaim.events`` → ``Notification``). Durable: a notification the worker owed is
never lost, and running one twice adds nothing (``services.notify``'s sources).

Each recipient is chosen through ``access`` when the event is consumed: a mention in a secret space
reaches its members only, a post hidden or deleted since tells nobody, a guest hears of nothing
outside their spaces. One notification per person per event: someone mentioned in a reply to their
own comment on their own post is told of the mention only. What people chose (a kind turned off, a
space or a thread muted) is honoured by ``services.notify``; "every post" of a space is here.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.events import consumer
from essaim.events.types import (
    AnnouncementPublished,
    CommentCreated,
    Event,
    Followed,
    JoinAnswered,
    JoinRequested,
    PostCreated,
    PostEdited,
    ReactionAdded,
    ReportsResolved,
    SpaceInvitationSent,
)
from essaim.moderation.models import Decision, Report
from essaim.notifications import services
from essaim.notifications.models import Notification, SpaceLevel, SpaceNotificationLevel
from essaim.spaces.models import JoinRequest, Membership, Space, SpaceInvitation
from essaim.stream import selectors as stream_selectors
from essaim.stream.models import Comment, Post

Kind = Notification.Kind


FEW = 3  # readers decided one by one, on loaded rows, below this many


def _post(post_id: int) -> Post | None:
    """The post, unless it is gone or hidden (nobody is told about a hidden post)."""
    post = stream_selectors.post_unchecked(post_id=post_id)
    return post if post is not None and post.hidden_at is None else None


def _readers_among(post: Post, ids: set[int]) -> set[int]:
    """Those of ``ids`` who may read ``post`` now: for a few people, each through the policy's loaded-rows
    form (``access.visible_among``: no query for a company post); else one query (``access.readers``)."""
    if not ids:
        return set()
    if len(ids) <= FEW:
        people = User.objects.filter(pk__in=ids, is_active=True)
        return {person.pk for person in people if access.visible_among(person, [post])}
    return set(access.readers(post).filter(pk__in=ids).values_list("pk", flat=True))


def _may_tell_someone(event: Event) -> bool:
    """Most posts mention nobody and are in no space someone follows closely: they need no outbox row (one
    write fewer a post, and nothing for the worker). Asked in the post's request: one indexed lookup for a
    post in a space, none outside."""
    if not isinstance(event, PostCreated | PostEdited) or event.mentioned_ids:
        return True
    return (
        isinstance(event, PostCreated)
        and event.space_id is not None
        and SpaceNotificationLevel.objects.filter(space_id=event.space_id, level=SpaceLevel.EVERY_POST).exists()
    )


@consumer(
    "notifications.inbox",
    on=[
        PostCreated,
        PostEdited,
        CommentCreated,
        ReactionAdded,
        AnnouncementPublished,
        Followed,
        SpaceInvitationSent,
        JoinRequested,
        JoinAnswered,
        ReportsResolved,
    ],
    durable=True,
    when=_may_tell_someone,
)
def inbox(event: Event) -> None:
    match event:
        case PostCreated() | PostEdited():
            _posted(event)
        case CommentCreated():
            _commented(event)
        case ReactionAdded():
            _reacted(event)
        case AnnouncementPublished():
            _announced(event)
        case Followed():
            services.notify(
                recipient_ids=[event.followed_id],
                kind=Kind.FOLLOW,
                source=f"follow:{event.actor_id}",
                actor_id=event.actor_id,
            )
        case SpaceInvitationSent():
            _invited(event)
        case JoinRequested():
            _asked_to_join(event)
        case JoinAnswered():
            _answered(event)
        case ReportsResolved():
            _moderated(event)


def _posted(event: PostCreated | PostEdited) -> None:
    """A post (read once) tells the people it mentions, and a new one in a space those who follow it closely."""
    post = _post(event.post_id)
    if post is None:
        return
    if event.mentioned_ids:
        _mentioned_in_post(event, post)
    if isinstance(event, PostCreated) and post.space_id is not None:
        _posted_in_space(event, post, post.space_id)


def _mentioned_in_post(event: PostCreated | PostEdited, post: Post) -> None:
    services.notify(
        recipient_ids=_readers_among(post, set(event.mentioned_ids)),
        kind=Kind.MENTION,
        source=f"post:{post.pk}",
        actor_id=event.actor_id,
        post_id=post.pk,
    )


def _posted_in_space(event: PostCreated, post: Post, space_id: int) -> None:
    """A new post in a space tells its members who chose "every post" there and may read it (``access``),
    but those it mentions (told of the mention). Bulk: one query picks them however large the space."""
    close = SpaceNotificationLevel.objects.filter(space_id=space_id, level=SpaceLevel.EVERY_POST)
    member = Membership.objects.filter(user_id=OuterRef("pk"), space_id=space_id)
    readers = access.readers(post).filter(pk__in=close.values("user_id")).filter(Exists(member))
    services.notify(
        recipient_ids=readers.exclude(pk__in=event.mentioned_ids).values_list("pk", flat=True).iterator(),
        kind=Kind.SPACE_POST,
        source=f"space_post:{post.pk}",
        actor_id=event.actor_id,
        post_id=post.pk,
    )


def _commented(event: CommentCreated) -> None:
    post = _post(event.post_id)
    comment = Comment.objects.filter(pk=event.comment_id).select_related("parent").first()
    if post is None or comment is None:
        return
    told: dict[int, str] = {}  # recipient → kind, the first reason wins
    for pk in event.mentioned_ids:
        told.setdefault(pk, Kind.MENTION)
    if comment.parent is not None:
        told.setdefault(comment.parent.author_id, Kind.REPLY)
    told.setdefault(post.author_id, Kind.COMMENT)
    readers = _readers_among(post, set(told) - {event.actor_id})
    for kind in (Kind.MENTION, Kind.REPLY, Kind.COMMENT):
        services.notify(
            recipient_ids=[pk for pk in readers if told[pk] == kind],
            kind=kind,
            source=f"comment:{comment.pk}",
            actor_id=event.actor_id,
            post_id=post.pk,
            comment_id=comment.pk,
        )


def _reacted(event: ReactionAdded) -> None:
    post = _post(event.post_id)
    if post is not None and event.actor_id is not None and _readers_among(post, {post.author_id}):
        services.notify_reaction(recipient_id=post.author_id, actor_id=event.actor_id, post_id=post.pk)


def _announced(event: AnnouncementPublished) -> None:
    post = _post(event.post_id)
    if post is None:
        return
    services.notify(
        recipient_ids=access.readers(post).values_list("pk", flat=True).iterator(),
        kind=Kind.ANNOUNCEMENT,
        source=f"announcement:{post.pk}",
        actor_id=event.actor_id,
        post_id=post.pk,
    )


def _invited(event: SpaceInvitationSent) -> None:
    invitation = SpaceInvitation.objects.filter(pk=event.invitation_id, status=SpaceInvitation.Status.PENDING).first()
    if invitation is None or invitation.user_id is None:  # an address: the account invitation's mail tells them
        return
    services.notify(
        recipient_ids=[invitation.user_id],
        kind=Kind.INVITATION,
        source=f"invitation:{invitation.pk}",
        actor_id=event.actor_id,
        space_id=invitation.space_id,
    )


def _asked_to_join(event: JoinRequested) -> None:
    space = Space.objects.filter(pk=event.space_id).first()
    if space is None or not JoinRequest.objects.filter(pk=event.request_id, status=JoinRequest.Status.PENDING).exists():
        return
    staff = Membership.objects.filter(space=space).exclude(role__in=[Membership.Role.MEMBER, Membership.Role.READER])
    approvers = [m.user for m in staff.select_related("user") if access.can(m.user, Action.APPROVE_MEMBERS, space)]
    services.notify(
        recipient_ids=[user.pk for user in approvers],
        kind=Kind.JOIN_REQUEST,
        source=f"join_request:{event.request_id}",
        actor_id=event.actor_id,
        space_id=space.pk,
    )


def _answered(event: JoinAnswered) -> None:
    services.notify(
        recipient_ids=[event.user_id],
        kind=Kind.JOIN_ANSWER,
        source=f"join_answer:{event.request_id}",
        actor_id=event.actor_id,
        space_id=event.space_id,
        accepted=event.accepted,
    )


def _moderated(event: ReportsResolved) -> None:
    """Each reporter is told the outcome in neutral words (action taken or not: ``accepted``), never who decided
    nor what; the author is told what was done and why, unless nothing was (a dismissed report bothers nobody).
    Neither is told who reported or who decided (``actor`` None)."""
    reports = {report.pk: report for report in Report.objects.filter(pk__in=event.report_ids)}
    taken = event.decision != Decision.DISMISSED
    for report in reports.values():
        services.notify(
            recipient_ids=[report.reporter_id] if report.reporter_id != event.actor_id else [],
            kind=Kind.REPORT_OUTCOME,
            source=f"report:{report.pk}",
            actor_id=None,
            accepted=taken,
            report_id=report.pk,
        )
    decided = reports.get(event.report_id)
    if taken and decided is not None:
        services.notify(
            recipient_ids=[decided.author_id],
            kind=Kind.MODERATION,
            source=f"moderation:{decided.pk}",
            actor_id=None,
            report_id=decided.pk,
        )
