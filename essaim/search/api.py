"""Search in the API: Mastodon's ``/api/v2/search`` (accounts, statuses, hashtags) and Essaim's own
``/api/v1/essaim/search`` (spaces, files, experts). Both answer from ``search.selectors``, so what a
token's person may not see is never found, counted or quoted."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from essaim import access
from essaim.access import Action
from essaim.api.errors import ApiError, errors
from essaim.api.params import ID_PATTERN
from essaim.people.api import accounts_in_order, person_by_id
from essaim.people.schemas import Account
from essaim.search import selectors
from essaim.stream import selectors as stream_selectors
from essaim.stream.models import Comment
from essaim.stream.schemas import Status, TagEntity, status_from_comment, status_from_post, tag_data

router = Router(tags=["search"])
essaim = Router(tags=["essaim: search"])
MAX_LIMIT = 40
MAX_OFFSET = 1000


class SearchParams(Schema):
    q: str = Field(
        ...,
        max_length=500,
        description='What to look for: words, "a phrase", -word, a OR b, from:@handle, '
        "in:space, #tag, has:file, before:/after: dates.",
    )
    type: Literal["accounts", "hashtags", "statuses"] | None = Field(None, description="Only this kind of result.")
    resolve: bool = Field(False, description="Ignored: Essaim does not federate.")
    following: bool = Field(False, description="Ignored.")
    account_id: str | None = Field(None, pattern=ID_PATTERN, description="Only statuses by this account.")
    exclude_unreviewed: bool = Field(False, description="Ignored.")
    limit: int = Field(20, ge=1, description="Results per kind (more than 40 is 40).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Results to skip, per kind.")


class SearchResults(Schema):
    accounts: list[Account]
    statuses: list[Status]
    hashtags: list[TagEntity]


def _statuses(request: HttpRequest, hits: list[selectors.Hit]) -> list[dict[str, Any]]:
    posts = stream_selectors.hydrate(actor=request.user, posts=[h.post for h in hits], with_comments=False)
    by_id = {p.pk: p for p in posts}
    comment_ids = [h.comment.pk for h in hits if h.comment is not None]
    comments = {c.pk: c for c in Comment.objects.filter(pk__in=comment_ids).select_related("author", "parent")}
    stream_selectors.hydrate_comments(list(comments.values()))
    found = []
    for hit in hits:
        post = by_id.get(hit.post.pk, hit.post)
        if hit.comment is not None and hit.comment.pk in comments:
            comment = comments[hit.comment.pk]
            found.append(status_from_comment(request, comment, post=post, parent=comment.parent))
        else:
            found.append(status_from_post(request, post))
    return found


@router.get("/search", response={200: SearchResults, **errors(400, 403, 404, 422)}, url_name="search-v2")
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Mastodon's search: people by name or handle, posts and comments by their words (stemmed in French and
    English, accents ignored), tags by name; ``offset``/``limit`` per kind."""
    access.require(request.user, Action.SEARCH)
    q = params.q.replace("\x00", " ")
    limit = min(params.limit, MAX_LIMIT)  # more is the most, as Mastodon answers
    kinds = {params.type} if params.type else {"accounts", "hashtags", "statuses"}
    filters = selectors.Filters()
    if params.account_id:
        person = person_by_id(request.user, params.account_id)
        filters = selectors.Filters(author=person.handle)
    answer: dict[str, Any] = {"accounts": [], "statuses": [], "hashtags": []}
    if "statuses" in kinds:
        results = selectors.search_for(
            actor=request.user, q=q, filters=filters, cursor=selectors.offset_cursor(params.offset), size=limit
        )
        answer["statuses"] = _statuses(request, results.hits)
    words = selectors.parse(q).text()
    if "accounts" in kinds and words and not params.account_id:
        from essaim.people.selectors import person_suggestions_for

        people = person_suggestions_for(actor=request.user, query=words, limit=params.offset + limit)
        answer["accounts"] = accounts_in_order(request, [p.user for p in people[params.offset :]])
    if "hashtags" in kinds and words and not params.account_id:
        tags = stream_selectors.tag_suggestions_for(
            actor=request.user, query=words.replace(" ", ""), limit=params.offset + limit
        )
        answer["hashtags"] = [tag_data(request, tag, following=False) for tag in tags[params.offset :]]
    return answer


# --- Essaim's own: spaces, files, experts ------------------------------------------------------


class EssaimSearchParams(Schema):
    q: str = Field(..., max_length=500, description="What to look for (the same language as /api/v2/search).")
    type: Literal["spaces", "files", "experts"] = Field("files", description="What to find.")
    cursor: str | None = Field(None, max_length=200, description="The ``next_cursor`` of the previous page (files).")
    sort: Literal["relevance", "date"] = Field("relevance", description="Files: by relevance or newest first.")


class SpaceHit(Schema):
    id: str
    name: str
    slug: str
    description: str
    visibility: str
    url: str


class FileHit(Schema):
    id: str
    name: str
    kind: str = Field(description="pdf, document, spreadsheet, presentation, image, text, archive or other.")
    content_type: str
    size: int
    url: str = Field(description="The download (which checks permission again).")
    status_id: str
    status_url: str
    snippet: str = Field(description="HTML: the matching passage, matched words in <mark>.")
    created_at: datetime


class Evidence(Schema):
    status_id: str
    url: str
    snippet: str


class ExpertHit(Schema):
    account: Account
    skills: list[str]
    writings: int = Field(description="Posts, comments and files about the topic that you may read.")
    evidence: list[Evidence]


class EssaimSearchResults(Schema):
    spaces: list[SpaceHit]
    files: list[FileHit]
    experts: list[ExpertHit]
    next_cursor: str | None


@essaim.get("/essaim/search", response={200: EssaimSearchResults, **errors(400, 403, 422)}, url_name="essaim-search")
def essaim_search(request: HttpRequest, params: Query[EssaimSearchParams]) -> dict[str, Any]:
    """Spaces by name, files by name, kind and text (``has:pdf``…), and "who knows about it": people ranked by
    their declared skills and by what they wrote about the topic that you may read, with the best of it."""
    access.require(request.user, Action.SEARCH)
    q = params.q.replace("\x00", " ")
    answer: dict[str, Any] = {"spaces": [], "files": [], "experts": [], "next_cursor": None}
    if params.type == "spaces":
        answer["spaces"] = [
            {
                "id": str(s.pk),
                "name": s.name,
                "slug": s.slug,
                "description": s.description,
                "visibility": s.visibility,
                "url": request.build_absolute_uri(s.get_absolute_url()),
            }
            for s in selectors.space_results_for(actor=request.user, q=q)
        ]
    elif params.type == "files":
        if params.cursor and not selectors.cursor_is_valid(params.cursor):
            raise ApiError(400, _("Invalid cursor"), _("Use the “next_cursor” value of the previous page."))
        results = selectors.search_for(actor=request.user, q=q, tab="files", sort=params.sort, cursor=params.cursor)
        answer["next_cursor"] = results.next_cursor
        answer["files"] = [_file(request, hit) for hit in results.hits if hit.attachment is not None]
    else:
        experts = selectors.experts_for(actor=request.user, q=q)
        accounts = {a["id"]: a for a in accounts_in_order(request, [e.profile.user for e in experts])}
        answer["experts"] = [
            {
                "account": accounts[str(e.profile.user_id)],
                "skills": [s.name for s in e.skills],
                "writings": e.writings,
                "evidence": [
                    {
                        "status_id": str(h.post.pk),
                        "url": request.build_absolute_uri(h.post.get_absolute_url()),
                        "snippet": str(h.snippet),
                    }
                    for h in e.evidence
                ],
            }
            for e in experts
            if str(e.profile.user_id) in accounts
        ]
    return answer


def _file(request: HttpRequest, hit: selectors.Hit) -> dict[str, Any]:
    from django.urls import reverse

    from essaim.search.documents import file_kind

    f = hit.attachment
    assert f is not None
    return {
        "id": str(f.pk),
        "name": f.original_name,
        "kind": file_kind(f.content_type, f.is_image),
        "content_type": f.content_type,
        "size": f.size,
        "url": request.build_absolute_uri(reverse("stream:attachment", args=[f.pk])),
        "status_id": str(hit.post.pk),
        "status_url": request.build_absolute_uri(hit.post.get_absolute_url()),
        "snippet": str(hit.snippet),
        "created_at": hit.created_at,
    }
