"""Mastodon's scheduled statuses: ``scheduled_at`` on ``POST /api/v1/statuses`` (``stream.api``) answers a
ScheduledStatus; ``/api/v1/scheduled_statuses`` lists them, and each is read, moved (``PUT``) or cancelled
(``DELETE``) by its author only (``stream.scheduling``, whose job publishes them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from essaim.api.auth import current_user
from essaim.api.body import Body, body_openapi, parse_body
from essaim.api.errors import errors
from essaim.api.pagination import PageParams, add_link_header, cursor_from
from essaim.api.params import PathId
from essaim.core.ids import parse_id
from essaim.stream import scheduling
from essaim.stream.models import PostKind, ScheduledPost, Visibility
from essaim.stream.schemas import TO_MASTODON, MediaAttachment, media_data

router = Router(tags=["scheduled statuses"])


class ScheduledStatusParams(Schema):
    text: str
    visibility: str
    media_ids: list[str] | None
    poll: dict[str, Any] | None
    in_reply_to_id: str | None
    sensitive: bool | None
    spoiler_text: str | None
    language: str | None
    scheduled_at: datetime | None
    idempotency: str | None
    application_id: str | None
    with_rate_limit: bool


class EssaimScheduledExtra(Schema):
    space_id: str | None = Field(description="The space the post goes into, or null.")
    kind: str = Field(description="post, question or poll.")
    state: str = Field(description="scheduled, or failed: it could not be published at its time (see failure).")
    failure: str = Field(description="Why it was not published, in your language (empty unless failed).")


class ScheduledStatus(Schema):
    """Mastodon's ScheduledStatus, with Essaim's own ``essaim`` object."""

    id: str
    scheduled_at: datetime
    params: ScheduledStatusParams
    media_attachments: list[MediaAttachment]
    essaim: EssaimScheduledExtra


class ScheduledStatusUpdate(Body):
    scheduled_at: datetime = Field(
        ..., description="The new time (ISO 8601; UTC when no offset is given): at least 5 minutes from now."
    )


def scheduled_data(request: HttpRequest, scheduled: ScheduledPost) -> dict[str, Any]:
    """One scheduled post as Mastodon's ScheduledStatus (load it with its ``attachments``)."""
    files = list(scheduled.attachments.all())
    return {
        "id": str(scheduled.pk),
        "scheduled_at": scheduled.scheduled_at,
        "params": {
            "text": scheduled.body,
            "visibility": TO_MASTODON.get(Visibility(scheduled.visibility), "public"),
            "media_ids": [str(item.pk) for item in files] or None,
            "poll": scheduled.kind_data if scheduled.kind == PostKind.POLL else None,
            "in_reply_to_id": None,
            "sensitive": None,
            "spoiler_text": None,
            "language": None,
            "scheduled_at": None,
            "idempotency": None,
            "application_id": None,
            "with_rate_limit": False,
        },
        "media_attachments": [media_data(request, item) for item in files],
        "essaim": {
            "space_id": str(scheduled.space_id) if scheduled.space_id is not None else None,
            "kind": scheduled.kind,
            "state": scheduled.state,
            "failure": scheduled.failure,
        },
    }


def _scheduled(request: HttpRequest, scheduled_id: str) -> ScheduledPost:
    identifier = parse_id(scheduled_id)
    if identifier is None:
        raise Http404
    return scheduling.scheduled_post_get_for(actor=request.user, scheduled_id=identifier)


@router.get("/scheduled_statuses", response={200: list[ScheduledStatus], **errors(400)}, url_name="scheduled-statuses")
def scheduled_list(request: HttpRequest, response: HttpResponse, params: Query[PageParams]) -> list[dict[str, Any]]:
    """Your scheduled statuses (failed ones too), newest scheduled first; ``max_id``/``since_id``/``min_id``/``limit``
    and ``Link`` as Mastodon."""
    page = scheduling.scheduled_post_page_for(actor=request.user, cursor=cursor_from(request))
    add_link_header(response, request, page)
    return [scheduled_data(request, scheduled) for scheduled in page.items]


@router.get(
    "/scheduled_statuses/{scheduled_id}",
    response={200: ScheduledStatus, **errors(404)},
    url_name="scheduled-status-detail",
)
def scheduled_detail(request: HttpRequest, scheduled_id: PathId) -> dict[str, Any]:
    """One of your scheduled statuses (404 once published, cancelled, or for anyone else's)."""
    return scheduled_data(request, _scheduled(request, scheduled_id))


@router.put(
    "/scheduled_statuses/{scheduled_id}",
    response={200: ScheduledStatus, **errors(404, 422)},
    url_name="scheduled-status-update",
    openapi_extra=body_openapi(ScheduledStatusUpdate),
)
def scheduled_update(request: HttpRequest, scheduled_id: PathId) -> dict[str, Any]:
    """Move it to another time (at least 5 minutes from now); one that failed is tried again then."""
    scheduled = _scheduled(request, scheduled_id)
    data = parse_body(request, ScheduledStatusUpdate)
    scheduling.scheduled_post_reschedule(
        actor=current_user(request), scheduled=scheduled, scheduled_at=data.scheduled_at
    )
    return scheduled_data(request, scheduled)


@router.delete(
    "/scheduled_statuses/{scheduled_id}",
    response={200: dict[str, Any], **errors(404)},
    url_name="scheduled-status-delete",
)
def scheduled_delete(request: HttpRequest, scheduled_id: PathId) -> dict[str, Any]:
    """Cancel it: it will not be published (Mastodon answers an empty object). Its files go back to your uploads."""
    scheduling.scheduled_post_cancel(actor=current_user(request), scheduled=_scheduled(request, scheduled_id))
    return {}
