"""Mastodon's notifications resource (``/api/v1/notifications``), Essaim's notifications in its shapes.

Mastodon's types where it has the concept: a mention, a comment on your post and a reply to your comment
are ``mention`` (a reply mentions whom it answers, in Mastodon), with the comment as the status; reactions
are ``favourite`` (grouped ones once, ``group_key`` per post); a follower ``follow``; an announcement
``status``. Spaces' invitations, requests to join and their answers are Essaim's own types
(``essaim.space_invitation``, ``essaim.join_request``, ``essaim.join_answer``), which Mastodon apps
ignore, as Mastodon asks them to with a type they do not know, with the space in ``essaim_space``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field, WithJsonSchema

from essaim.api.auth import current_user
from essaim.api.errors import errors
from essaim.api.pagination import PageParams, add_link_header, cursor_from
from essaim.api.params import PathId
from essaim.core.http import site_root
from essaim.core.ids import parse_id
from essaim.notifications import selectors, services
from essaim.notifications.models import Notification
from essaim.people.schemas import Account, account_data
from essaim.stream import selectors as stream_selectors
from essaim.stream.api import render_json
from essaim.stream.schemas import Status, status_from_comment, status_from_post

router = Router(tags=["notifications"])
grouped = Router(tags=["notifications"])
Kind = Notification.Kind

TYPES: dict[str, str] = {
    Kind.MENTION: "mention",
    Kind.COMMENT: "mention",
    Kind.REPLY: "mention",
    Kind.REACTION: "favourite",
    Kind.FOLLOW: "follow",
    Kind.ANNOUNCEMENT: "status",
    Kind.SPACE_POST: "status",
    Kind.INVITATION: "essaim.space_invitation",
    Kind.JOIN_REQUEST: "essaim.join_request",
    Kind.JOIN_ANSWER: "essaim.join_answer",
    Kind.REPORT_OUTCOME: "essaim.report_outcome",
    Kind.MODERATION: "essaim.moderation",
    Kind.EVENT: "essaim.event",
}
KINDS_OF_TYPE: dict[str, set[str]] = {}
for _kind, _type in TYPES.items():
    KINDS_OF_TYPE.setdefault(_type, set()).add(_kind)
TypeName = Annotated[str, WithJsonSchema({"type": "string", "enum": sorted(KINDS_OF_TYPE)})]


class ModerationRef(Schema):
    decision: str = Field(description="hidden, deleted, warned or suspended.")
    target: str = Field(description="What it was about: post, comment or person.")
    reason: str = Field(description="The reason it was reported: spam, harassment, confidential, defamation, "
                        "inappropriate or other.")  # fmt: skip
    note: str = Field(description="What the moderator said (a warning's message).")
    until: datetime | None = Field(None, description="suspended: when the account may sign in again.")


def moderation_data(notification: Notification) -> dict[str, Any] | None:
    report = notification.report
    if notification.kind != Kind.MODERATION or report is None:
        return None
    suspension = getattr(report, "suspension", None)
    return {
        "decision": report.decision,
        "target": report.target_kind,
        "reason": report.reason,
        "note": report.decision_note,
        "until": suspension.until if suspension is not None else None,
    }


class SpaceRef(Schema):
    id: str
    name: str
    url: str


class NotificationEntity(Schema):
    id: str
    type: TypeName
    group_key: str = Field(description="Notifications with the same key are about the same thing (grouped reactions).")
    created_at: datetime
    read: bool = Field(description="Whether it was read (Essaim: opened, or marked read).")
    account: Account | None
    status: Status | None = None
    essaim_space: SpaceRef | None = None
    essaim_accepted: bool | None = Field(
        None,
        description="essaim.join_answer: whether the request was accepted; essaim.report_outcome: whether a "
        "moderator took action on your report.",
    )
    essaim_moderation: ModerationRef | None = Field(None, description="essaim.moderation: what was done and why.")


class ListParams(PageParams):
    types: list[TypeName] | None = Field(None, alias="types[]", description="Only these types.")
    exclude_types: list[TypeName] | None = Field(None, alias="exclude_types[]", description="Not these types.")


class UnreadCount(Schema):
    count: int


class NotificationGroup(Schema):
    group_key: str
    notifications_count: int = Field(description="How many notifications the group stands for.")
    type: TypeName
    most_recent_notification_id: str
    page_min_id: str
    page_max_id: str
    latest_page_notification_at: datetime
    sample_account_ids: list[str]
    status_id: str | None = None


class GroupedNotifications(Schema):
    accounts: list[Account]
    statuses: list[Status]
    notification_groups: list[NotificationGroup]


def _id(raw: str) -> int:
    """A notification id as typed in the path; anything else is a notification that does not exist."""
    identifier = parse_id(raw)
    if identifier is None:
        raise Http404
    return identifier


def _kinds(request: HttpRequest) -> set[str] | None:
    wanted = request.GET.getlist("types[]") or request.GET.getlist("types")
    unwanted = request.GET.getlist("exclude_types[]") or request.GET.getlist("exclude_types")
    if not wanted and not unwanted:
        return None
    kinds = set(TYPES) if not wanted else {k for t in wanted for k in KINDS_OF_TYPE.get(t, ())}
    return kinds - {k for t in unwanted for k in KINDS_OF_TYPE.get(t, ())}


def notification_data(request: HttpRequest, notification: Notification, statuses: dict[int, Any]) -> dict[str, Any]:
    kind = notification.kind
    space = notification.space
    return {
        "id": str(notification.pk),
        "type": TYPES[kind],
        "group_key": f"{TYPES[kind]}-{notification.post_id}"
        if kind == Kind.REACTION
        else f"ungrouped-{notification.pk}",
        "created_at": notification.created_at,
        "read": notification.read_at is not None,
        "account": account_data(request, notification.actor, with_org=False) if notification.actor else None,
        "status": statuses.get(notification.pk),
        "essaim_space": {
            "id": str(space.pk),
            "name": space.name,
            "url": site_root(request) + space.get_absolute_url(),
        }
        if space is not None
        else None,
        "essaim_accepted": notification.accepted,
        "essaim_moderation": moderation_data(notification),
    }


def _statuses(request: HttpRequest, items: list[Notification]) -> dict[int, Any]:
    """Each notification's status: the comment it is about, else its post (hydrated together)."""
    posts = stream_selectors.hydrate(
        actor=request.user, posts=list({n.post.pk: n.post for n in items if n.post and not n.comment}.values())
    )
    by_post = {post.pk: post for post in posts}
    stream_selectors.hydrate_comments([n.comment for n in items if n.comment is not None])  # their files at once
    statuses: dict[int, Any] = {}
    for n in items:
        if n.comment is not None and n.post is not None:
            statuses[n.pk] = status_from_comment(request, n.comment, post=n.post, parent=n.comment.parent)
        elif n.post_id in by_post:
            statuses[n.pk] = status_from_post(request, by_post[n.post_id])
    return statuses


def notifications_data(request: HttpRequest, items: list[Notification]) -> list[dict[str, Any]]:
    """``items`` (read ``with_statuses``) as Notification entities: the list's and the streaming API's
    (``essaim.api.streaming``)."""
    statuses = _statuses(request, items)
    return [notification_data(request, n, statuses) for n in items]


@router.get("/notifications", response={200: list[NotificationEntity], **errors(400)}, url_name="notifications")
def notification_list(request: HttpRequest, response: HttpResponse, params: Query[ListParams]) -> HttpResponse:
    """Your notifications, newest first (Link header for the next pages); ``types[]`` / ``exclude_types[]``
    filter them."""
    page = selectors.notification_page_for(
        actor=request.user, cursor=cursor_from(request), kinds=_kinds(request), with_statuses=True
    )
    add_link_header(response, request, page)
    response.content = render_json(notifications_data(request, page.items))
    return response


@router.get("/notifications/unread_count", response={200: UnreadCount}, url_name="notifications-unread-count")
def notification_unread_count(request: HttpRequest) -> dict[str, int]:
    """How many are unread (at most 100 are counted, as the bell's "99+")."""
    return {"count": selectors.unread_count_for(actor=current_user(request))}


@router.post("/notifications/clear", response={200: dict[str, Any]}, url_name="notifications-clear")
def notification_clear(request: HttpRequest) -> dict[str, Any]:
    """Delete all your notifications."""
    services.notifications_clear(actor=current_user(request))
    return {}


@router.get(
    "/notifications/{notification_id}", response={200: NotificationEntity, **errors(404)}, url_name="notification"
)
def notification_detail(request: HttpRequest, notification_id: PathId) -> dict[str, Any]:
    found = selectors.notification_get_for(actor=request.user, notification_id=_id(notification_id), with_statuses=True)
    return notification_data(request, found, _statuses(request, [found]))


@router.post(
    "/notifications/{notification_id}/dismiss",
    response={200: dict[str, Any], **errors(404)},
    url_name="notification-dismiss",
)
def notification_dismiss(request: HttpRequest, notification_id: PathId) -> dict[str, Any]:
    found = selectors.notification_get_for(actor=request.user, notification_id=_id(notification_id))
    services.notification_dismiss(actor=current_user(request), notification=found)
    return {}


@grouped.get("/notifications", response={200: GroupedNotifications, **errors(400)}, url_name="notifications-grouped")
def notification_groups(request: HttpRequest, response: HttpResponse, params: Query[ListParams]) -> HttpResponse:
    """Your notifications as Mastodon's grouped ones (version 2): reactions to one post are one group while
    unread (``notifications_count``: the people who reacted); each account and status once."""
    page = selectors.notification_page_for(
        actor=request.user, cursor=cursor_from(request), kinds=_kinds(request), with_statuses=True
    )
    statuses = _statuses(request, page.items)
    accounts = {n.actor.pk: n.actor for n in page.items if n.actor is not None}
    groups = []
    for n in page.items:
        data = notification_data(request, n, statuses)
        status = statuses.get(n.pk)
        groups.append(
            {
                "group_key": data["group_key"],
                "notifications_count": n.others + 1 if n.kind == Kind.REACTION else 1,
                "type": data["type"],
                "most_recent_notification_id": data["id"],
                "page_min_id": data["id"],
                "page_max_id": data["id"],
                "latest_page_notification_at": n.created_at,
                "sample_account_ids": [str(n.actor_id)] if n.actor_id else [],
                "status_id": status["id"] if status else None,
            }
        )
    unique_statuses = {status["id"]: status for status in statuses.values()}
    add_link_header(response, request, page)
    response.content = render_json(
        {
            "accounts": [account_data(request, user, with_org=False) for user in accounts.values()],
            "statuses": list(unique_statuses.values()),
            "notification_groups": groups,
        }
    )
    return response
