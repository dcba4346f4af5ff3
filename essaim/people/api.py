"""Mastodon's accounts resources (``/api/v1/accounts/…``) and Essaim's directory (``/api/v1/essaim/people``)."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field, WithJsonSchema

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.api.errors import ApiError, errors
from essaim.api.params import PathId
from essaim.core.ids import MAX_ID, parse_id
from essaim.people import selectors, services
from essaim.people.schemas import (
    Account,
    CredentialAccount,
    DirectoryPage,
    Relationship,
    account_data,
    accounts_data,
    relationship_data,
)

router = Router(tags=["accounts"])
directory_router = Router(tags=["essaim: people"])

ACCOUNT_RELATED = ("profile", "profile__department", "profile__site")
SEARCH_MAX = 40


def statuses_count_for(*, actor: Any, user: User) -> int:
    """How many posts of ``user`` the actor may read."""
    from essaim.stream import selectors as stream_selectors

    return stream_selectors.post_list_for(actor=actor).filter(author=user).count()


def person_by_id(actor: Any, account_id: str) -> User:
    """A visible person by Mastodon id, or 404 (a non-numeric id is just missing)."""
    identifier = parse_id(account_id)
    if identifier is None:
        raise Http404
    try:
        return selectors.person_list_for(actor=actor).select_related(*ACCOUNT_RELATED).get(pk=identifier)
    except User.DoesNotExist:
        raise Http404 from None


def with_counts(queryset: QuerySet[User]) -> QuerySet[User]:
    """Followers and following counts (active people only) in the same query."""
    return queryset.select_related(*ACCOUNT_RELATED).annotate(
        followers_total=Count("follower_set", filter=Q(follower_set__follower__is_active=True), distinct=True),
        following_total=Count("following_set", filter=Q(following_set__followed__is_active=True), distinct=True),
    )


def accounts_in_order(request: HttpRequest, users: list[User]) -> list[dict[str, Any]]:
    """Accounts for ``users`` (kept in order) with their counts, in one query."""
    ids = [user.pk for user in users]
    found = {u.pk: u for u in with_counts(selectors.person_list_for(actor=request.user).filter(pk__in=ids))}
    return accounts_data(request, [found[pk] for pk in ids if pk in found])


def single_account(request: HttpRequest, user: User) -> dict[str, Any]:
    counts = selectors.follow_counts_for(actor=request.user, user=user)
    return account_data(
        request,
        user,
        followers=counts.followers,
        following=counts.following,
        statuses=statuses_count_for(actor=request.user, user=user),
    )


@router.get("/accounts/verify_credentials", response=CredentialAccount, url_name="accounts-verify-credentials")
def verify_credentials(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person, with Mastodon's ``source`` block."""
    user = person_by_id(request.user, str(request.user.pk))
    data = single_account(request, user)
    profile = getattr(user, "profile", None)
    data["source"] = {
        "privacy": "public",
        "sensitive": False,
        "language": user.language or "",
        "note": profile.bio if profile is not None else "",
        "fields": [],
        "follow_requests_count": 0,
    }
    return data


@router.get("/accounts/lookup", response={200: Account, **errors(404, 422)}, url_name="accounts-lookup")
def lookup(request: HttpRequest, acct: str) -> dict[str, Any]:
    """A person by handle (``lea.martin``, ``@lea.martin`` or ``lea.martin@host``)."""
    handle = acct.strip().lstrip("@").split("@", 1)[0].lower()
    if not handle:
        raise Http404
    return single_account(request, selectors.person_get_for(actor=request.user, handle=handle))


class SearchParams(Schema):
    q: str = Field(..., min_length=1, max_length=200, description="Name or handle, accents ignored.")
    limit: int = Field(SEARCH_MAX, ge=1, le=SEARCH_MAX)


@router.get("/accounts/search", response={200: list[Account], **errors(422)}, url_name="accounts-search")
def search(request: HttpRequest, params: Query[SearchParams]) -> list[dict[str, Any]]:
    """People whose name or handle starts with the words of ``q``."""
    page = selectors.directory_profiles_for(actor=request.user, filters=selectors.DirectoryFilters(q=params.q))
    return accounts_in_order(request, [profile.user for profile in page.items[: params.limit]])


class RelationshipParams(Schema):
    ids: list[str] = Field(default_factory=list, alias="id[]", description="Account ids.")


@router.get("/accounts/relationships", response=list[Relationship], url_name="accounts-relationships")
def relationships(request: HttpRequest, params: Query[RelationshipParams]) -> list[dict[str, Any]]:
    """Whether you follow each person and they follow you (ids that are not visible are left out)."""
    ids = [i for i in map(parse_id, params.ids) if i is not None][:SEARCH_MAX]
    people = list(selectors.person_list_for(actor=request.user).filter(pk__in=ids))
    return [
        relationship_data(
            user,
            following=selectors.is_following(actor=request.user, user=user),
            followed_by=selectors.is_following(actor=user, user=request.user),
        )
        for user in people
    ]


@router.get("/accounts/{account_id}", response={200: Account, **errors(404)}, url_name="accounts-detail")
def account_detail(request: HttpRequest, account_id: PathId) -> dict[str, Any]:
    return single_account(request, person_by_id(request.user, account_id))


def _relationship(request: HttpRequest, user: User) -> dict[str, Any]:
    return relationship_data(
        user,
        following=selectors.is_following(actor=request.user, user=user),
        followed_by=selectors.is_following(actor=user, user=request.user),
    )


@router.post(
    "/accounts/{account_id}/follow", response={200: Relationship, **errors(403, 404)}, url_name="accounts-follow"
)
def follow(request: HttpRequest, account_id: PathId) -> dict[str, Any]:
    """Follow a person: their posts appear in your home timeline."""
    user = person_by_id(request.user, account_id)
    services.follow_create(actor=request.user, user=user)
    return _relationship(request, user)


@router.post(
    "/accounts/{account_id}/unfollow", response={200: Relationship, **errors(403, 404)}, url_name="accounts-unfollow"
)
def unfollow(request: HttpRequest, account_id: PathId) -> dict[str, Any]:
    user = person_by_id(request.user, account_id)
    services.follow_delete(actor=request.user, user=user)
    return _relationship(request, user)


def _follow_list(request: HttpRequest, response: HttpResponse, page: selectors.Page[User]) -> list[dict[str, Any]]:
    if page.next_cursor is not None:
        # Mastodon paginates follows by an opaque id: ours is the follow's id.
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?max_id={page.next_cursor}>; rel="next"'
    return accounts_in_order(request, page.items)


class FollowPageParams(Schema):
    max_id: Annotated[str | None, WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_ID})] = Field(
        None, description="Return people followed before this follow id (from Link)."
    )


def _before(params: FollowPageParams) -> int | None:
    if params.max_id in (None, ""):
        return None
    identifier = parse_id(params.max_id)
    if identifier is None:
        raise ApiError(400, _("Invalid cursor"), _("“max_id” must come from a previous page's Link header."))
    return identifier


@router.get(
    "/accounts/{account_id}/followers",
    response={200: list[Account], **errors(400, 403, 404)},
    url_name="accounts-followers",
)
def followers(
    request: HttpRequest, response: HttpResponse, account_id: PathId, params: Query[FollowPageParams]
) -> list[dict[str, Any]]:
    user = person_by_id(request.user, account_id)
    access.require(request.user, Action.VIEW_FOLLOWS, user)
    return _follow_list(
        request, response, selectors.followers_for(actor=request.user, user=user, before=_before(params))
    )


@router.get(
    "/accounts/{account_id}/following",
    response={200: list[Account], **errors(400, 403, 404)},
    url_name="accounts-following",
)
def following(
    request: HttpRequest, response: HttpResponse, account_id: PathId, params: Query[FollowPageParams]
) -> list[dict[str, Any]]:
    user = person_by_id(request.user, account_id)
    access.require(request.user, Action.VIEW_FOLLOWS, user)
    return _follow_list(
        request, response, selectors.following_for(actor=request.user, user=user, before=_before(params))
    )


class DirectoryParams(Schema):
    q: str = Field("", max_length=200, description="Name or handle, accents ignored.")
    department: int | None = Field(None, ge=1, le=MAX_ID, description="Department id.")
    site: int | None = Field(None, ge=1, le=MAX_ID, description="Site id.")
    skill: str = Field("", max_length=60, description="A skill name, accents and case ignored.")
    cursor: str | None = Field(None, description="The ``next_cursor`` of the previous page.")


@directory_router.get(
    "/essaim/people", response={200: DirectoryPage, **errors(400, 403, 422)}, url_name="essaim-people"
)
def directory(request: HttpRequest, params: Query[DirectoryParams]) -> dict[str, Any]:
    """The company directory, sorted by last name, filtered and paginated by an opaque cursor."""
    access.require(request.user, Action.VIEW_DIRECTORY)
    cursor = selectors.Cursor.decode(params.cursor)
    if params.cursor and cursor is None:
        raise ApiError(400, _("Invalid cursor"), _("Use the “next_cursor” value of the previous page."))
    filters = selectors.DirectoryFilters(
        q=params.q.strip(), department=params.department, site=params.site, skill=params.skill.strip()
    )
    page = selectors.directory_profiles_for(actor=request.user, filters=filters, cursor=cursor)
    return {
        "items": accounts_in_order(request, [profile.user for profile in page.items]),
        "next_cursor": page.next_cursor,
    }
