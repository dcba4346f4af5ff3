"""Mastodon's statuses, timelines and tags resources, and Essaim's reactions and announcements.

Every read goes through ``essaim.stream.selectors`` and every write through
``essaim.stream.services``: this module only translates Mastodon's shapes.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Query, Router, UploadedFile
from ninja import Status as NinjaStatus
from ninja.responses import NinjaJSONEncoder
from pydantic import ConfigDict, Field, JsonValue, WithJsonSchema
from pydantic.json_schema import JsonDict

from essaim.api import idempotency
from essaim.api.auth import current_user
from essaim.api.body import Body, body_openapi, parse_body, require_single, require_storable
from essaim.api.errors import ApiError, errors
from essaim.api.pagination import PageParams, add_link_header, cursor_from
from essaim.api.params import NOT_BLANK, BodyId, PathId
from essaim.core.ids import is_digits, parse_id
from essaim.core.markdown import HASHTAG_RE
from essaim.core.pagination import Page
from essaim.people.api import person_by_id
from essaim.people.schemas import Account, account_data
from essaim.polls.schemas import PollCreate
from essaim.spaces import selectors as spaces_selectors
from essaim.spaces.models import Space
from essaim.stream import scheduling, selectors, services, space_mentions
from essaim.stream.models import (
    COMMENT_MAX_CHARS,
    POST_MAX_CHARS,
    SPOILER_MAX_CHARS,
    Comment,
    Emoji,
    Post,
    PostKind,
    Visibility,
)
from essaim.stream.scheduled_api import ScheduledStatus, scheduled_data
from essaim.stream.schemas import (
    FAVOURITE,
    FROM_MASTODON,
    Announcement,
    Context,
    MediaAttachment,
    ReactionGroup,
    Status,
    StatusEdit,
    TagEntity,
    history_data,
    media_data,
    status_from_comment,
    status_from_post,
    tag_data,
)
from essaim.stream.services import ANNOUNCEMENT_MAX_DAYS, MAX_ATTACHMENTS

router = Router(tags=["statuses"])
timelines = Router(tags=["timelines"])
tags = Router(tags=["tags"])
essaim = Router(tags=["essaim: reactions and announcements"])
media = Router(tags=["media"])

EmojiPath = Annotated[
    str,
    WithJsonSchema({"type": "string", "enum": Emoji.values}),
    Path(description="One of the reactions, URL-encoded."),
]
MediaDescription = Annotated[
    str, Form(max_length=500, description="The alt text: what the image shows, for those who cannot see it.")
]


# --- helpers ------------------------------------------------------------------------------


def _is_id(raw: str) -> bool:
    """Whether ``raw`` is a 64-bit id as Mastodon spells them (``essaim.core.ids.parse_id``)."""
    return parse_id(raw) is not None


def _parse_id(raw: str) -> int:
    if not _is_id(raw):
        raise Http404
    return int(raw)


def find_status(request: HttpRequest, status_id: str) -> Post | Comment:
    """The visible post or comment with this id, or 404 (ids are unique across both)."""
    identifier = _parse_id(status_id)
    try:
        return selectors.post_get_for(actor=request.user, post_id=identifier)
    except Http404:
        return selectors.comment_get_for(actor=request.user, comment_id=identifier)


def find_post(request: HttpRequest, status_id: str) -> Post:
    found = find_status(request, status_id)
    if isinstance(found, Comment):
        raise ApiError(
            422,
            _("This is a comment"),
            _("Reactions and announcements apply to posts; use the post's id (the comment's in_reply_to_id)."),
        )
    return found


def post_status(request: HttpRequest, post: Post, *, with_source: bool = False) -> dict[str, Any]:
    """One post as a Status, hydrated (files, my reactions) in a fixed number of queries."""
    (hydrated,) = selectors.hydrate(actor=request.user, posts=[post])
    return status_from_post(request, hydrated, with_source=with_source)


def comment_status(request: HttpRequest, comment: Comment, *, with_source: bool = False) -> dict[str, Any]:
    return status_from_comment(request, comment, post=comment.post, parent=comment.parent, with_source=with_source)


def any_status(request: HttpRequest, found: Post | Comment, *, with_source: bool = False) -> dict[str, Any]:
    if isinstance(found, Comment):
        return comment_status(request, found, with_source=with_source)
    return post_status(request, found, with_source=with_source)


def page_response(request: HttpRequest, response: HttpResponse, page: Page[Post]) -> HttpResponse:
    """A page of Statuses, serialised here rather than re-validated by the response schema.

    The operations still declare ``response=list[Status]`` for the OpenAPI document; returning
    an ``HttpResponse`` makes ninja skip the per-item pydantic validation, which cost about as
    much as the feed's queries. ``status_from_post`` builds exactly the schema's fields (a test
    compares both paths), and the JSON encoder is ninja's own.
    """
    add_link_header(response, request, page)
    response.content = render_json([status_from_post(request, post) for post in page.items])
    return response


def render_json(data: Any) -> str:
    """JSON as ninja renders it (``NinjaJSONEncoder``: ISO 8601 datetimes)."""
    return json.dumps(data, cls=NinjaJSONEncoder)


# --- statuses -----------------------------------------------------------------------------


# The rules the services check in the reader's language (a text that is not blank, its length once trimmed, a
# visibility from the list) are documented in the schema (``json_schema_extra``), not checked twice.
TEXT: JsonDict = {"pattern": NOT_BLANK, "maxLength": POST_MAX_CHARS}
# A reply is a comment: shorter (its files as a post's); a post into a space is for the space to decide who reads it.
STATUS_RULES: list[JsonValue] = [
    {
        "if": {"required": ["in_reply_to_id"], "properties": {"in_reply_to_id": {"type": "string"}}},
        "then": {"properties": {"status": {"maxLength": COMMENT_MAX_CHARS}}},
    },
    {
        "if": {"required": ["space_id"], "properties": {"space_id": {"type": "string"}}},
        "then": {"properties": {"visibility": {"enum": ["public", "unlisted"]}}},
    },
]


class StatusCreate(Body):
    model_config = ConfigDict(json_schema_extra={"required": ["status"], "allOf": STATUS_RULES})

    status: str = Field(
        "",
        json_schema_extra=TEXT,
        description=f"The text (Markdown): at most {POST_MAX_CHARS} characters for a post, {COMMENT_MAX_CHARS} for "
        "a comment, leading and trailing spaces aside.",
    )
    in_reply_to_id: BodyId | None = Field(None, description="Reply to this status: the reply is a comment.")
    visibility: str = Field(
        "public",
        json_schema_extra={"enum": list(FROM_MASTODON)},
        description="public (the company; unlisted is the same), private (your followers), direct (mentioned "
        "people). In a space: public, or leave it out. A reply follows its post.",
    )
    media_ids: list[BodyId] = Field(
        default_factory=list,
        json_schema_extra={"maxItems": MAX_ATTACHMENTS},
        description=f"Ids of your uploads from POST /api/v2/media to attach (at most {MAX_ATTACHMENTS}), to a post "
        "or to a reply.",
    )
    sensitive: bool = Field(False, description="Hide the status's images until the reader clicks them.")
    spoiler_text: str = Field(
        "",
        json_schema_extra={"maxLength": SPOILER_MAX_CHARS},
        description=f"A content warning (at most {SPOILER_MAX_CHARS} characters): shown instead of the text, which "
        "readers open with a click; e-mails, feeds and search snippets show it, never the text.",
    )
    language: str | None = None
    space_id: BodyId | None = Field(
        None,
        description="Essaim: post into this space (its id from /api/v1/spaces). The space's members and readers "
        "see the post, whatever its visibility. A space you cannot see answers 404, one you may not post in 403.",
    )
    poll: PollCreate | None = Field(None, description="A poll in the post (Mastodon's ``poll[...]`` fields).")
    scheduled_at: datetime | None = Field(
        None,
        description="Publish it at this time (ISO 8601; UTC when no offset is given), at least 5 minutes from now: "
        "the answer is then a ScheduledStatus (see /api/v1/scheduled_statuses), and the post is checked again when "
        "it is published. Not for replies. Idempotency-Key does not apply to it.",
    )
    kind: str = Field(
        "post",
        json_schema_extra={"enum": ["post", "question"]},
        description="Essaim: question makes the post a question (its replies are answers). A poll needs only ``poll``.",
    )
    confirm_watch: bool = Field(
        False,
        description="Essaim: publish even though a watch rule warns about the text. Without it, such a text is "
        "refused with 422 (error_description names the rules); show it to the author, then send it again with "
        "confirm_watch=true if they confirm. Rules that hold or report are not overruled by it.",
    )


class StatusUpdate(Body):
    status: str = Field(
        ...,
        json_schema_extra=TEXT,
        description=f"The new text: at most {POST_MAX_CHARS} characters for a post, {COMMENT_MAX_CHARS} for a comment.",
    )
    spoiler_text: str | None = Field(
        None,
        json_schema_extra={"maxLength": SPOILER_MAX_CHARS},
        description="The new content warning (empty: none); left out, it stays as it is.",
    )
    sensitive: bool | None = Field(None, description="Hide the images until clicked; left out, it stays as it is.")
    confirm_watch: bool = Field(
        False,
        description="Essaim: publish even though a watch rule warns about the text. Without it, such a text is "
        "refused with 422 (error_description names the rules); show it to the author, then send it again with "
        "confirm_watch=true if they confirm. Rules that hold or report are not overruled by it.",
    )


def find_space(request: HttpRequest, space_id: str) -> Space:
    """The space a new status names: anything but digits is invalid input (422), digits that name no space you may
    see are missing (404).

    A malformed id is refused rather than ignored: a post meant for a space must never land in the company feed.
    """
    if not is_digits(space_id):
        raise ValidationError({"space_id": _("This is not a space id: send the id of a space as a string of digits.")})
    return spaces_selectors.space_get_by_id_for(actor=request.user, space_id=_parse_id(space_id))


def mentioned_space(request: HttpRequest, data: StatusCreate) -> Space | None:
    """The space a new post's text names by mentioning its handle (``space_mentions``); a reply stays in its post's."""
    if data.in_reply_to_id is not None:
        return None
    return space_mentions.space_mentioned(actor=current_user(request), body=data.status)


def post_visibility(data: StatusCreate, *, space: Space | None) -> str:
    """Essaim's visibility for a new post.

    In a space, the space's members and readers decide who sees the post: it is stored as "company", as the page's
    composer stores it (the rules never widen a space post with it). A narrower choice (private, direct) is refused
    there rather than silently widened to the whole space.
    """
    visibility = FROM_MASTODON.get(data.visibility)
    if visibility is None:
        raise ValidationError({"visibility": _("Choose public, unlisted, private or direct.")})
    if space is not None and visibility != Visibility.COMPANY:
        message = _("In a space, the space decides who sees the post: send visibility “public”, or leave it out.")
        raise ValidationError({"visibility": message})
    return visibility


def reply_create(request: HttpRequest, data: StatusCreate, in_reply_to_id: str, *, space: Space | None) -> Comment:
    """A comment on the status ``in_reply_to_id`` (a post, or a comment whose thread it joins), with the
    uploads ``media_ids`` names, as a status takes them.

    A reply goes where its post is; a ``space_id`` naming another space is refused, not ignored.
    """
    target = find_status(request, in_reply_to_id)
    post = target.post if isinstance(target, Comment) else target
    if space is not None and space.pk != post.space_id:
        raise ValidationError({"space_id": _("A reply goes into its post's space: leave space_id out.")})
    parent = target if isinstance(target, Comment) else None
    media = selectors.media_pending_for(actor=current_user(request), ids=data.media_ids) if data.media_ids else []
    return services.comment_create(
        actor=current_user(request),
        post=post,
        body=data.status,
        parent=parent,
        media=media,
        confirm_watch=data.confirm_watch,
        spoiler_text=data.spoiler_text,
        sensitive=data.sensitive,
    )


@router.post(
    "/statuses",
    response={200: Status | ScheduledStatus, **errors(403, 404, 422)},
    url_name="statuses-create",
    openapi_extra=body_openapi(StatusCreate) | {"parameters": [idempotency.OPENAPI_PARAMETER]},
)
def status_create(request: HttpRequest) -> dict[str, Any] | HttpResponse:
    """Publish a post (into a space with Essaim's ``space_id``, or by mentioning the space's handle), or a comment
    when ``in_reply_to_id`` is given; with ``scheduled_at``, keep the post to publish then (a ScheduledStatus).

    With an ``Idempotency-Key`` header, the same request sent again within the hour answers the status it wrote
    rather than writing another (``api.idempotency``)."""
    data = parse_body(request, StatusCreate)
    key = idempotency.key_of(request)
    space = find_space(request, data.space_id) if data.space_id is not None else mentioned_space(request, data)
    visibility = post_visibility(data, space=space)  # a reply's is its post's, but the same values are accepted
    if data.scheduled_at is not None:
        return status_schedule(request, data, space=space, visibility=visibility)
    written = idempotency.write_once(
        user=current_user(request),
        key=key,
        request_hash=idempotency.fingerprint(data.model_dump(mode="json")),
        write=lambda: status_write(request, data, space=space, visibility=visibility),
        status_id=lambda status: status.pk,
    )
    status = find_status(request, str(written)) if isinstance(written, int) else written
    if isinstance(status, Comment):
        return comment_status(request, status, with_source=True)
    return post_status(request, status, with_source=True)


def status_schedule(request: HttpRequest, data: StatusCreate, *, space: Space | None, visibility: str) -> HttpResponse:
    """A post kept to publish at ``scheduled_at``, answered as Mastodon's ScheduledStatus (serialised here: the
    operation's response is either entity)."""
    assert data.scheduled_at is not None
    if data.in_reply_to_id is not None:
        raise ValidationError({"scheduled_at": _("A reply cannot be scheduled: send it when you want it read.")})
    actor = current_user(request)
    kind, kind_data = status_kind(data)
    scheduled = scheduling.scheduled_post_create(
        actor=actor,
        scheduled_at=data.scheduled_at,
        body=data.status,
        visibility=visibility,
        space=space,
        media=selectors.media_pending_for(actor=actor, ids=data.media_ids) if data.media_ids else [],
        kind=kind,
        kind_data=kind_data,
        confirm_watch=data.confirm_watch,
    )
    found = scheduling.scheduled_post_get_for(actor=actor, scheduled_id=scheduled.pk)
    return HttpResponse(render_json(scheduled_data(request, found)), content_type="application/json; charset=utf-8")


def status_write(request: HttpRequest, data: StatusCreate, *, space: Space | None, visibility: str) -> Post | Comment:
    """The post, or the comment when ``in_reply_to_id`` is given, that ``POST /api/v1/statuses`` writes."""
    if data.in_reply_to_id is not None:
        return reply_create(request, data, data.in_reply_to_id, space=space)
    media = selectors.media_pending_for(actor=current_user(request), ids=data.media_ids) if data.media_ids else []
    kind, kind_data = status_kind(data)
    return services.post_create(
        actor=current_user(request),
        body=data.status,
        visibility=visibility,
        media=media,
        space=space,
        kind=kind,
        kind_data=kind_data,
        confirm_watch=data.confirm_watch,
        spoiler_text=data.spoiler_text,
        sensitive=data.sensitive,
    )


def status_kind(data: StatusCreate) -> tuple[str, dict[str, Any] | None]:
    """What a new status is: a poll when it carries one, a question when asked, else a plain post."""
    if data.poll is not None:
        if data.kind == PostKind.QUESTION:
            raise ValidationError({"poll": _("A question cannot carry a poll: publish them separately.")})
        return PostKind.POLL, data.poll.model_dump()
    if data.kind not in {PostKind.POST, PostKind.QUESTION}:
        raise ValidationError({"kind": _("Choose what to publish: a post, a question or a poll.")})
    return data.kind, None


# --- media (Mastodon: upload first, then reference the ids in a status) -------------------


def _media_upload(request: HttpRequest, file: UploadedFile, description: str) -> dict[str, Any]:
    require_single(request, "file", "description")
    require_storable(description)
    attachment = services.media_upload(actor=current_user(request), upload=file, description=description)
    return media_data(request, attachment)


@media.post("/v2/media", response={200: MediaAttachment, **errors(403, 413, 422)}, url_name="media-create")
def media_create(request: HttpRequest, file: File[UploadedFile], description: MediaDescription = "") -> dict[str, Any]:
    """Upload an image or a file; it stays private to you until a status takes it (``media_ids``)."""
    return _media_upload(request, file, description)


@media.post("/v1/media", response={200: MediaAttachment, **errors(403, 413, 422)}, url_name="media-create-v1")
def media_create_v1(
    request: HttpRequest, file: File[UploadedFile], description: MediaDescription = ""
) -> dict[str, Any]:
    """Mastodon's older path for the same upload."""
    return _media_upload(request, file, description)


@router.get("/statuses/{status_id}", response={200: Status, **errors(404)}, url_name="statuses-detail")
def status_detail(request: HttpRequest, status_id: PathId) -> dict[str, Any]:
    return any_status(request, find_status(request, status_id))


@router.put(
    "/statuses/{status_id}",
    response={200: Status, **errors(403, 404, 422)},
    url_name="statuses-update",
    openapi_extra=body_openapi(StatusUpdate),
)
def status_update(request: HttpRequest, status_id: PathId) -> dict[str, Any]:
    """Change the text, and the content warning when ``spoiler_text`` or ``sensitive`` is given; the previous
    version goes to the history."""
    found = find_status(request, status_id)
    data = parse_body(request, StatusUpdate)
    actor, spoiler, sensitive = current_user(request), data.spoiler_text, data.sensitive
    if isinstance(found, Comment):
        comment = services.comment_edit(
            actor=actor,
            comment=found,
            body=data.status,
            confirm_watch=data.confirm_watch,
            spoiler_text=spoiler,
            sensitive=sensitive,
        )
        return comment_status(request, comment, with_source=True)
    post = services.post_edit(
        actor=actor,
        post=found,
        body=data.status,
        confirm_watch=data.confirm_watch,
        spoiler_text=spoiler,
        sensitive=sensitive,
    )
    return post_status(request, post, with_source=True)


@router.delete("/statuses/{status_id}", response={200: Status, **errors(403, 404)}, url_name="statuses-delete")
def status_delete(request: HttpRequest, status_id: PathId) -> dict[str, Any]:
    """Delete a post (with its comments) or a comment; answers the deleted status with its text."""
    found = find_status(request, status_id)
    data = any_status(request, found, with_source=True)
    if isinstance(found, Comment):
        services.comment_delete(actor=current_user(request), comment=found)
    else:
        services.post_delete(actor=current_user(request), post=found)
    return data


@router.get("/statuses/{status_id}/context", response={200: Context, **errors(404)}, url_name="statuses-context")
def status_context(request: HttpRequest, status_id: PathId) -> dict[str, Any]:
    """For a post: no ancestors, its comments as descendants. For a comment: its post (and parent) as ancestors."""
    found = find_status(request, status_id)
    if isinstance(found, Comment):
        ancestors = [post_status(request, found.post)]
        if found.parent is not None:
            ancestors.append(comment_status(request, found.parent))
        replies = [] if found.parent_id is not None else list(found.replies.select_related("author__profile"))
        selectors.hydrate_comments(replies)
        return {
            "ancestors": ancestors,
            "descendants": [status_from_comment(request, r, post=found.post, parent=found) for r in replies],
        }
    descendants = []
    for thread in selectors.comment_threads_for(actor=current_user(request), post=found):
        descendants.append(status_from_comment(request, thread.comment, post=found))
        descendants.extend(
            status_from_comment(request, reply, post=found, parent=thread.comment) for reply in thread.replies
        )
    return {"ancestors": [], "descendants": descendants}


@router.get(
    "/statuses/{status_id}/history", response={200: list[StatusEdit], **errors(404, 422)}, url_name="statuses-history"
)
def status_history(request: HttpRequest, status_id: PathId) -> list[dict[str, Any]]:
    """Every version of a post, oldest first, the current one last."""
    post = find_post(request, status_id)
    return history_data(request, post, selectors.revision_list_for(actor=current_user(request), post=post))


@router.post(
    "/statuses/{status_id}/favourite", response={200: Status, **errors(403, 404, 422)}, url_name="statuses-favourite"
)
def favourite(request: HttpRequest, status_id: PathId) -> dict[str, Any]:
    """Mastodon's favourite is Essaim's 👍 reaction."""
    post = find_post(request, status_id)
    services.reaction_add(actor=current_user(request), post=post, emoji=FAVOURITE)
    return post_status(request, selectors.post_get_for(actor=request.user, post_id=post.pk))


@router.post(
    "/statuses/{status_id}/unfavourite",
    response={200: Status, **errors(403, 404, 422)},
    url_name="statuses-unfavourite",
)
def unfavourite(request: HttpRequest, status_id: PathId) -> dict[str, Any]:
    post = find_post(request, status_id)
    services.reaction_remove(actor=current_user(request), post=post, emoji=FAVOURITE)
    return post_status(request, selectors.post_get_for(actor=request.user, post_id=post.pk))


@router.post(
    "/statuses/{status_id}/bookmark", response={200: Status, **errors(403, 404, 422)}, url_name="statuses-bookmark"
)
def bookmark(request: HttpRequest, status_id: PathId) -> dict[str, Any]:
    """Save a post to your saved posts (private to you; the web's "Saved posts"); twice changes nothing."""
    post = find_post(request, status_id)
    services.bookmark_add(actor=current_user(request), post=post)
    return post_status(request, selectors.post_get_for(actor=request.user, post_id=post.pk))


@router.post(
    "/statuses/{status_id}/unbookmark",
    response={200: Status, **errors(403, 404, 422)},
    url_name="statuses-unbookmark",
)
def unbookmark(request: HttpRequest, status_id: PathId) -> dict[str, Any]:
    """Take a post off your saved posts."""
    post = find_post(request, status_id)
    services.bookmark_remove(actor=current_user(request), post=post)
    return post_status(request, selectors.post_get_for(actor=request.user, post_id=post.pk))


@timelines.get("/bookmarks", response={200: list[Status], **errors(400)}, url_name="bookmarks")
def bookmarks(request: HttpRequest, response: HttpResponse, params: Query[PageParams]) -> HttpResponse:
    """Your saved posts that you may still read, the last saved first. ``max_id``, ``min_id`` and ``since_id`` are
    saves' ids, given in the ``Link`` header (not the statuses' ids), as Mastodon's are."""
    page = selectors.bookmark_page_for(actor=current_user(request), cursor=cursor_from(request))
    return page_response(request, response, page)


@router.get(
    "/accounts/{account_id}/statuses", response={200: list[Status], **errors(400, 404)}, url_name="accounts-statuses"
)
def account_statuses(
    request: HttpRequest, response: HttpResponse, account_id: PathId, params: Query[PageParams]
) -> HttpResponse:
    """A person's posts that you may read, newest first."""
    person = person_by_id(request.user, account_id)
    return page_response(
        request, response, selectors.feed_profile(actor=request.user, person=person, cursor=cursor_from(request))
    )


# --- timelines ----------------------------------------------------------------------------


@timelines.get("/timelines/home", response={200: list[Status], **errors(400)}, url_name="timelines-home")
def timeline_home(request: HttpRequest, response: HttpResponse, params: Query[PageParams]) -> HttpResponse:
    """Posts from people, spaces and tags you follow (announcements: ``/api/v1/essaim/announcements``)."""
    _pinned, page = selectors.feed_home(
        actor=request.user, cursor=cursor_from(request), with_announcements=False, with_comments=False
    )
    return page_response(request, response, page)


@timelines.get("/timelines/public", response={200: list[Status], **errors(400)}, url_name="timelines-public")
def timeline_public(request: HttpRequest, response: HttpResponse, params: Query[PageParams]) -> HttpResponse:
    """The company feed: posts for everyone in the company, outside spaces."""
    return page_response(request, response, selectors.feed_company(actor=request.user, cursor=cursor_from(request)))


@timelines.get("/timelines/tag/{hashtag}", response={200: list[Status], **errors(400)}, url_name="timelines-tag")
def timeline_tag(
    request: HttpRequest, response: HttpResponse, hashtag: str, params: Query[PageParams]
) -> HttpResponse | list[dict[str, Any]]:
    """Posts carrying ``#hashtag`` that you may read (an unknown tag has no posts)."""
    cursor = cursor_from(request)
    try:
        tag = selectors.tag_get_for(actor=request.user, name=hashtag)
    except Http404:
        return []
    return page_response(request, response, selectors.feed_tag(actor=current_user(request), tag=tag, cursor=cursor))


# --- tags ---------------------------------------------------------------------------------


@tags.get("/tags/{name}", response={200: TagEntity, **errors(404)}, url_name="tags-detail")
def tag_detail(request: HttpRequest, name: str) -> dict[str, Any]:
    tag = selectors.tag_get_for(actor=request.user, name=name)
    return tag_data(request, tag, following=selectors.tag_is_followed(actor=current_user(request), tag=tag))


@tags.post("/tags/{name}/follow", response={200: TagEntity, **errors(403, 422)}, url_name="tags-follow")
def tag_follow(request: HttpRequest, name: str) -> dict[str, Any]:
    """Follow a tag (created if new): its posts come to your home timeline. The name must be one a post can carry
    as ``#name``: a letter, then letters, digits, ``-`` or ``_`` (50 at most), not ending with ``-``. A tag you
    have no post of to read answers as a new one would, under the name you gave."""
    if HASHTAG_RE.fullmatch("#" + name.removeprefix("#")) is None:
        raise ValidationError(
            {"name": _("A tag is one word of letters, digits, - and _ that starts with a letter (50 at most).")}
        )
    try:
        tag, shown = selectors.tag_get_for(actor=request.user, name=name), None
    except Http404:
        tag, shown = services.tag_get_or_create(name=name), services.tag_name(name)
    services.tag_follow(actor=current_user(request), tag=tag)
    return tag_data(request, tag, following=True, name=shown)


@tags.post("/tags/{name}/unfollow", response={200: TagEntity, **errors(403, 404)}, url_name="tags-unfollow")
def tag_unfollow(request: HttpRequest, name: str) -> dict[str, Any]:
    """Stop following a tag: one you may read, or one you follow (404 otherwise)."""
    try:
        tag, shown = selectors.tag_get_for(actor=request.user, name=name), None
    except Http404:
        tag, shown = selectors.tag_followed_get(actor=request.user, name=name), services.tag_name(name)
    services.tag_unfollow(actor=current_user(request), tag=tag)
    return tag_data(request, tag, following=False, name=shown)


# --- Essaim: reactions ----------------------------------------------------------------------


def reaction_groups(request: HttpRequest, post: Post) -> list[dict[str, Any]]:
    """Every reaction of the fixed set with its count, whether you used it, and the latest who did."""
    return [
        {
            "emoji": group.emoji,
            "label": group.label,
            "count": group.count,
            "me": group.me,
            "accounts": [account_data(request, person, with_org=False) for person in group.people],
        }
        for group in selectors.reaction_summary_for(actor=current_user(request), post=post)
    ]


def reaction_response(request: HttpRequest, post: Post) -> HttpResponse:
    """``reaction_groups`` pre-serialised, as ``page_response`` does: validating each account
    against ``ReactionGroup`` again cost more than reading it."""
    return HttpResponse(render_json(reaction_groups(request, post)), content_type="application/json; charset=utf-8")


@essaim.get(
    "/essaim/statuses/{status_id}/reactions",
    response={200: list[ReactionGroup], **errors(404, 422)},
    url_name="essaim-reactions",
)
def reactions(request: HttpRequest, status_id: PathId) -> HttpResponse:
    return reaction_response(request, find_post(request, status_id))


@essaim.get(
    "/essaim/statuses/{status_id}/reactions/{emoji}/accounts",
    response={200: list[Account], **errors(400, 404, 422)},
    url_name="essaim-reactors",
)
def reactors(
    request: HttpRequest, response: HttpResponse, status_id: PathId, emoji: EmojiPath, params: Query[PageParams]
) -> list[dict[str, Any]]:
    """Everyone who reacted with this emoji (URL-encoded), latest first; older ones from the ``Link`` header."""
    page = selectors.reactors_for(
        actor=current_user(request), post=find_post(request, status_id), emoji=emoji, cursor=cursor_from(request)
    )
    add_link_header(response, request, page)
    return [account_data(request, person, with_org=False) for person in page.items]


@essaim.put(
    "/essaim/statuses/{status_id}/reactions/{emoji}",
    response={200: list[ReactionGroup], **errors(403, 404, 422)},
    url_name="essaim-reaction-add",
)
def reaction_add(request: HttpRequest, status_id: PathId, emoji: EmojiPath) -> HttpResponse:
    """React with one of 👍 ❤️ 🎉 😄 😮 🙏 (URL-encoded); reacting twice changes nothing."""
    post = find_post(request, status_id)
    services.reaction_add(actor=current_user(request), post=post, emoji=emoji)
    return reaction_response(request, post)


@essaim.delete(
    "/essaim/statuses/{status_id}/reactions/{emoji}",
    response={200: list[ReactionGroup], **errors(403, 404, 422)},
    url_name="essaim-reaction-remove",
)
def reaction_remove(request: HttpRequest, status_id: PathId, emoji: EmojiPath) -> HttpResponse:
    post = find_post(request, status_id)
    services.reaction_remove(actor=current_user(request), post=post, emoji=emoji)
    return reaction_response(request, post)


# --- Essaim: announcements ------------------------------------------------------------------


class AnnouncementCreate(Body):
    status_id: BodyId = Field(..., description="The post to pin on top of everyone's home feed.")
    expires_at: datetime = Field(
        ..., description=f"When it stops being pinned (ISO 8601): in the future, within {ANNOUNCEMENT_MAX_DAYS} days."
    )


def announcement_data(request: HttpRequest, post: Post) -> dict[str, Any]:
    return {"id": str(post.pk), "status": status_from_post(request, post), "expires_at": post.announcement_expires_at}


@essaim.get("/essaim/announcements", response=list[Announcement], url_name="essaim-announcements")
def announcements(request: HttpRequest) -> list[dict[str, Any]]:
    """Active announcements you may read, newest first."""
    posts = selectors.hydrate(actor=request.user, posts=selectors.announcement_list_for(actor=request.user))
    return [announcement_data(request, post) for post in posts]


@essaim.post(
    "/essaim/announcements",
    response={200: Announcement, **errors(403, 404, 422)},
    url_name="essaim-announcement-create",
    openapi_extra=body_openapi(AnnouncementCreate),
)
def announcement_create(request: HttpRequest) -> dict[str, Any]:
    """Pin a post as an announcement (communication team and administrators)."""
    data = parse_body(request, AnnouncementCreate)
    post = find_post(request, data.status_id)
    services.announcement_set(actor=current_user(request), post=post, expires_at=data.expires_at)
    return announcement_data(request, post)


@essaim.delete(
    "/essaim/announcements/{status_id}",
    response={204: None, **errors(403, 404, 422)},
    url_name="essaim-announcement-delete",
)
def announcement_delete(request: HttpRequest, status_id: PathId) -> NinjaStatus[None]:
    """Unpin an announcement (the post stays)."""
    services.announcement_clear(actor=current_user(request), post=find_post(request, status_id))
    return NinjaStatus(204, None)
