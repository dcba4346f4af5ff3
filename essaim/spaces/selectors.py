"""Reads about spaces that leave this app. Every one starts from ``access.visible`` or ``access.require``.

Spaces come annotated with the reader's role (``viewer_role``) so that ``access.can`` on them needs no
extra query: list pages stay at a constant number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Model, Q, QuerySet
from django.http import Http404

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.access.rules.spaces import approving_roles, sole_owner, with_viewer_role
from essaim.accounts.models import User
from essaim.core.ids import parse_id
from essaim.core.rows import ModelColumns, attach, database, fetch, placeholders, statement
from essaim.core.text import fold
from essaim.moderation.selectors import queue_count_sql
from essaim.people.models import Profile
from essaim.spaces.models import AutoMembershipRule, JoinRequest, Membership, Space, SpaceInvitation
from essaim.spaces.space_rows import directory_rows, space_row

DIRECTORY_PAGE_SIZE = 30
MEMBERS_PAGE_SIZE = 50


@dataclass(frozen=True)
class Cursor:
    """Keyset position: the last row's sort key and id, encoded ``"<id>:<key>"`` in the ``after`` parameter."""

    key: str
    id: int

    def encode(self) -> str:
        return f"{self.id}:{self.key}"

    @classmethod
    def decode(cls, raw: str | None) -> Cursor | None:
        if not raw:
            return None
        pk, _sep, key = raw.partition(":")
        identifier = parse_id(pk)
        if identifier is None or len(key) > 400:
            return None
        return cls(key=key, id=identifier)


@dataclass(frozen=True)
class KeysetPage[T]:
    items: list[T]
    next_cursor: str | None


def _keyset[M: Model](queryset: QuerySet[M], *, key: str, cursor: Cursor | None, size: int) -> KeysetPage[M]:
    if cursor is not None:
        queryset = queryset.filter(Q(**{f"{key}__gt": cursor.key}) | Q(**{key: cursor.key, "pk__gt": cursor.id}))
    rows = list(queryset.order_by(key, "pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        value = last
        for part in key.split("__"):
            value = getattr(value, part)
        next_cursor = Cursor(key=str(value), id=last.pk).encode()
    return KeysetPage(items=rows, next_cursor=next_cursor)


# --- Spaces


def space_list_for(*, actor: Actor) -> QuerySet[Space]:
    """Every space ``actor`` may see, with the actor's role."""
    return with_viewer_role(actor, access.visible(actor, Space.objects.select_related("parent")))


def space_get_for(*, actor: Actor, slug: str) -> Space:
    """The space at ``slug`` as ``space_list_for`` gives it, or 404 when missing or not visible
    (one statement written once: ``space_rows``)."""
    space = space_row(actor=actor, slug=slug)
    if space is None:
        raise Http404
    return space


def space_get_by_id_for(*, actor: Actor, space_id: int) -> Space:
    """The space with this id, or 404 when missing or not visible (the API and the composer name spaces by id)."""
    if not 0 < space_id < 1 << 63:
        raise Http404
    space = space_row(actor=actor, pk=space_id)
    if space is None:
        raise Http404
    return space


def space_get_by_ref_for(*, actor: Actor, ref: str) -> Space:
    """The space named by its id (digits) or its address (slug), or 404."""
    ref = ref.strip()
    if (space_id := parse_id(ref)) is not None:
        return space_get_by_id_for(actor=actor, space_id=space_id)
    return space_get_for(actor=actor, slug=ref)


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    scope: str = ""  # "", "mine", "public", "private", "archived"

    SCOPES = ("mine", "public", "private", "archived")

    @property
    def active(self) -> bool:
        return bool(self.q or self.scope)


def space_directory_for(*, actor: Actor, filters: DirectoryFilters, cursor: Cursor | None) -> KeysetPage[Space]:
    """One page of the spaces directory: accent-insensitive name prefix search, keyset pagination.

    Each space carries its parent, the reader's role, ``member_count`` and
    ``viewer_has_pending_request``: one query, written in SQL (``directory_rows``).
    """
    after = (cursor.key, cursor.id) if cursor is not None else None
    rows = directory_rows(
        actor=actor, q=fold(filters.q), scope=filters.scope, after=after, limit=DIRECTORY_PAGE_SIZE + 1
    )
    page = rows[:DIRECTORY_PAGE_SIZE]
    more = len(rows) > DIRECTORY_PAGE_SIZE
    next_cursor = Cursor(key=page[-1].search_key, id=page[-1].pk).encode() if more else None
    return KeysetPage(items=page, next_cursor=next_cursor)


def subspace_list_for(*, actor: Actor, space: Space) -> list[Space]:
    """The active sub-spaces of ``space`` that ``actor`` may see, by name.

    In SQL written once, then the rule on the loaded rows (``access.visible_among``: no query for an
    employee, whose sub-spaces are mostly listed): the ORM's form with the visibility filter and the
    reader's role took longer to build than the space page's feed (bench/README.md, issue 17 item 12).
    """
    db = database()
    children = [child for row in fetch(_subspaces_sql(), [space.pk]) if (child := _SPACE.build(row, 0, db))]
    return access.visible_among(actor, children) if children else []


_SPACE = ModelColumns(Space, "s")


@statement
def _subspaces_sql(db: BaseDatabaseWrapper) -> str:
    return (
        f"SELECT {_SPACE.select(db)} FROM {Space._meta.db_table} s "  # noqa: S608 - names from the model's meta
        "WHERE s.parent_id = %s AND s.archived_at IS NULL ORDER BY s.search_key"
    )


def space_has_guests(*, space: Space) -> bool:
    """Whether external guests belong to the space (its page then shows a warning)."""
    return space.memberships.filter(user__kind=User.Kind.GUEST).exists()


def space_member_facts(*, space: Space) -> tuple[int, bool]:
    """``(membership_count, space_has_guests)`` in one statement written once: every space page shows both."""
    count, guests = fetch(_member_facts_sql(), [space.pk, User.Kind.GUEST.value, space.pk])[0]
    return int(count), bool(guests)


@statement
def _member_facts_sql(db: BaseDatabaseWrapper) -> str:
    members, users = Membership._meta.db_table, User._meta.db_table
    return (
        f"SELECT COUNT(*), EXISTS (SELECT 1 FROM {members} g JOIN {users} gu ON gu.id = g.user_id "  # noqa: S608 - names from the models' meta
        f"WHERE g.space_id = %s AND gu.kind = %s) FROM {members} WHERE space_id = %s"
    )


# --- Members


def membership_page_for(*, actor: Actor, space: Space, q: str = "", cursor: Cursor | None) -> KeysetPage[Membership]:
    """One page of the space's members, by name, searchable (accent-insensitive prefix of first/last name)."""
    access.require(actor, Action.VIEW_MEMBERS, space)
    queryset = access.visible(actor, Membership.objects.filter(space=space)).select_related("user__profile")
    folded = fold(q)
    if folded:
        queryset = queryset.filter(
            Q(user__profile__search_key__startswith=folded) | Q(user__profile__search_key__contains=f" {folded}")
        )
    return _keyset(queryset, key="user__profile__sort_key", cursor=cursor, size=MEMBERS_PAGE_SIZE)


def membership_count(*, space: Space) -> int:
    return space.memberships.count()


# From this many members, the preview walks the people in name order and probes the space's
# memberships, rather than sorting every membership (bench/README.md, issue 17 item 12: 7.5 ms → 0.1 ms
# in the 10,000-member space; the walk reads about size × people ÷ members profiles).
WALK_MEMBERS_FROM = 1000


def membership_preview_for(
    *, actor: Actor, space: Space, size: int = 12, member_count: int | None = None
) -> list[Membership]:
    """A few members for the space page, by role (as spelled: admins first) then name, with their profiles.

    Whoever may see the space's member list (``VIEW_MEMBERS``) sees every membership of it (the
    membership rule, ``access.visible`` on ``Membership``, is that same question per space), so the
    rows need no filter once the space's answer is known. In SQL written once: the ORM's form took
    several times longer to build than to run (issue 17 item 12). In a large space (``member_count``,
    which the page knows, from ``WALK_MEMBERS_FROM``), the few other roles come from their own
    index and the plain members from a walk of the people by name: the same rows, in the same order.
    """
    if not access.can(actor, Action.VIEW_MEMBERS, space):
        return []
    if member_count is None or member_count < WALK_MEMBERS_FROM:
        rows = fetch(_member_preview_sql(), [space.pk, size])
    else:
        others = fetch(_member_preview_others_sql(), [space.pk, *_OTHER_ROLES, size])
        members = fetch(_member_preview_walk_sql(), [space.pk, Membership.Role.MEMBER.value, size])
        before = [row for row in others if row[_ROLE] < Membership.Role.MEMBER.value]
        rows = [*before, *members, *others[len(before) :]][:size]
    return [_preview_membership(row) for row in rows]


def _preview_membership(row: tuple[Any, ...]) -> Membership:
    db = database()
    membership = _PREVIEW_MEMBERSHIP.build(row, 0, db)
    user = _PREVIEW_USER.build(row, _PREVIEW_MEMBERSHIP.width, db)
    assert membership is not None
    assert user is not None
    attach(user, "profile", _PREVIEW_PROFILE.build(row, _PREVIEW_MEMBERSHIP.width + _PREVIEW_USER.width, db))
    attach(membership, "user", user)
    return membership


_PREVIEW_MEMBERSHIP = ModelColumns(Membership, "m")
_PREVIEW_USER = ModelColumns(User, "u")
_PREVIEW_PROFILE = ModelColumns(Profile, "p")
_ROLE = [field.name for field in _PREVIEW_MEMBERSHIP.fields].index("role")
_OTHER_ROLES = sorted(role for role in Membership.Role.values if role != Membership.Role.MEMBER)


def _preview_columns(db: BaseDatabaseWrapper) -> str:
    return ", ".join(c.select(db) for c in (_PREVIEW_MEMBERSHIP, _PREVIEW_USER, _PREVIEW_PROFILE))


def _memberships_with_people(db: BaseDatabaseWrapper) -> str:
    return (
        f"SELECT {_preview_columns(db)} FROM {Membership._meta.db_table} m "  # noqa: S608 - names from the models' meta
        f"JOIN {User._meta.db_table} u ON u.id = m.user_id "
        f"LEFT JOIN {Profile._meta.db_table} p ON p.user_id = u.id "
    )


@statement
def _member_preview_sql(db: BaseDatabaseWrapper) -> str:
    return f"{_memberships_with_people(db)}WHERE m.space_id = %s ORDER BY m.role, p.sort_key LIMIT %s"


@statement
def _member_preview_others_sql(db: BaseDatabaseWrapper) -> str:
    """The memberships of every role but plain members, by role then name (the ``membership_space_role`` index)."""
    roles = placeholders(len(_OTHER_ROLES))
    where = f"WHERE m.space_id = %s AND m.role IN ({roles}) ORDER BY m.role, p.sort_key LIMIT %s"
    return _memberships_with_people(db) + where


@statement
def _member_preview_walk_sql(db: BaseDatabaseWrapper) -> str:
    """The plain members by name: the people in name order (``profile_sort``), each probed in the space
    (``one_membership_per_space``). SQLite keeps a ``CROSS JOIN``'s order; PostgreSQL plans it alone."""
    return (
        f"SELECT {_preview_columns(db)} FROM {Profile._meta.db_table} p "  # noqa: S608 - names from the models' meta
        f"CROSS JOIN {Membership._meta.db_table} m "
        f"JOIN {User._meta.db_table} u ON u.id = m.user_id "
        "WHERE m.space_id = %s AND m.user_id = p.user_id AND m.role = %s ORDER BY p.sort_key LIMIT %s"
    )


def membership_get_for(*, actor: Actor, space: Space, membership_id: int) -> Membership:
    access.require(actor, Action.VIEW_MEMBERS, space)
    try:
        return Membership.objects.select_related("user", "space").get(space=space, pk=membership_id)
    except Membership.DoesNotExist:
        raise Http404 from None


def viewer_membership(*, actor: Actor, space: Space) -> Membership | None:
    if not actor.is_authenticated:
        return None
    return Membership.objects.filter(space=space, user_id=actor.pk).first()


# --- Join requests and invitations


def join_request_list_for(*, actor: Actor, space: Space) -> list[JoinRequest]:
    """Pending requests, oldest first, for the space's administrators."""
    access.require(actor, Action.APPROVE_MEMBERS, space)
    pending = space.join_requests.filter(status=JoinRequest.Status.PENDING).select_related("user__profile")
    return list(pending.order_by("created_at"))


def join_request_get_for(*, actor: Actor, space: Space, request_id: int) -> JoinRequest:
    access.require(actor, Action.APPROVE_MEMBERS, space)
    try:
        return space.join_requests.select_related("user", "space").get(pk=request_id)
    except JoinRequest.DoesNotExist:
        raise Http404 from None


def pending_join_request(*, actor: Actor, space: Space) -> JoinRequest | None:
    if not actor.is_authenticated:
        return None
    return space.join_requests.filter(user_id=actor.pk, status=JoinRequest.Status.PENDING).first()


def my_pending_invitation_id(*, actor: Actor, space: Space) -> int | None:
    """The newest invitation into ``space`` waiting for ``actor`` (as ``my_invitation_list`` finds them), if any."""
    if not actor.is_authenticated:
        return None
    pending = SpaceInvitation.objects.filter(_mine(actor), space_id=space.pk, status=SpaceInvitation.Status.PENDING)
    return pending.order_by("-pk").values_list("pk", flat=True).first()


def join_request_count(*, actor: Actor, space: Space) -> int | None:
    """How many requests wait in ``space`` (its requests tab's count), or ``None`` for who may not answer them."""
    if not access.can(actor, Action.APPROVE_MEMBERS, space):
        return None
    return int(fetch(_JOIN_REQUEST_COUNT_SQL, [space.pk])[0][0])


_JOIN_REQUEST_COUNT_SQL = (
    f"SELECT COUNT(*) FROM {JoinRequest._meta.db_table} "  # noqa: S608 - the model's table, a fixed status
    f"WHERE space_id = %s AND status = '{JoinRequest.Status.PENDING.value}'"
)


def is_sole_owner(*, actor: Actor, space: Space) -> bool:
    """Whether ``actor`` is the only owner of ``space`` (they must name another before leaving)."""
    return sole_owner(actor, space)


@dataclass(frozen=True)
class Pending:
    """What waits for someone in spaces: join requests for them to answer, invitations addressed to them."""

    requests: int = 0
    invitations: int = 0
    moderation: int = 0  # reports to decide and posts to approve (``moderation``): the navigation's Moderation count

    @property
    def total(self) -> int:
        return self.requests + self.invitations


def pending_for(*, actor: Actor) -> Pending:
    """The spaces menu's count, on every page: one query, in SQL written once per set of roles; the
    moderation queue's count rides in the same statement (``moderation.selectors.queue_count_sql``).

    Requests are counted in the unarchived spaces where ``actor`` holds a role that answers them
    (``access.rules.spaces.approving_roles``), invitations as ``my_invitation_list`` finds them.
    """
    if not actor.is_authenticated:
        return Pending()
    approvers = approving_roles(actor)
    requests_sql = _pending_requests_sql(len(approvers)) if approvers else "0"
    queue_sql, queue_params = queue_count_sql(actor)
    rows = fetch(
        f"SELECT {requests_sql}, {_pending_invitations_sql()}, {queue_sql}",  # fixed pieces, values as parameters
        [*([actor.pk, *approvers] if approvers else []), actor.pk, actor.email.lower(), *queue_params],
    )
    requests, invitations, moderation = rows[0]
    return Pending(requests=int(requests), invitations=int(invitations), moderation=int(moderation))


@cache
def _pending_requests_sql(roles: int) -> str:
    return (
        f"(SELECT COUNT(*) FROM {Membership._meta.db_table} pm "  # noqa: S608 - names from the models' meta
        f"JOIN {JoinRequest._meta.db_table} pr ON pr.space_id = pm.space_id "
        f"JOIN {Space._meta.db_table} ps ON ps.id = pm.space_id "
        f"WHERE pm.user_id = %s AND pm.role IN ({placeholders(roles)}) "
        f"AND pr.status = '{JoinRequest.Status.PENDING.value}' AND ps.archived_at IS NULL)"
    )


@cache
def _pending_invitations_sql() -> str:
    return (
        f"(SELECT COUNT(*) FROM {SpaceInvitation._meta.db_table} pi "  # noqa: S608 - names from the models' meta
        f"WHERE pi.status = '{SpaceInvitation.Status.PENDING.value}' "
        "AND (pi.user_id = %s OR (pi.user_id IS NULL AND pi.email = %s)))"
    )


def spaces_with_pending_requests(*, actor: Actor, limit: int = 20) -> list[Space]:
    """The spaces where requests wait for ``actor`` (as ``pending_for`` counts them), each with its count
    (``pending_requests``), by name: the directory's "waiting for you" list. One query."""
    approvers = approving_roles(actor)
    if not approvers:
        return []
    spaces = Space.objects.filter(
        archived_at__isnull=True, memberships__user_id=actor.pk, memberships__role__in=approvers
    ).annotate(pending_requests=Count("join_requests", filter=Q(join_requests__status=JoinRequest.Status.PENDING)))
    return list(spaces.filter(pending_requests__gt=0).order_by("search_key")[:limit])


def space_invitation_list_for(*, actor: Actor, space: Space) -> list[SpaceInvitation]:
    access.require(actor, Action.INVITE_MEMBERS, space)
    pending = space.invitations.filter(status=SpaceInvitation.Status.PENDING).select_related(
        "user__profile", "invited_by__profile", "space"
    )
    return list(pending.order_by("-created_at"))


def space_invitation_get_for(*, actor: Actor, space: Space, invitation_id: int) -> SpaceInvitation:
    access.require(actor, Action.INVITE_MEMBERS, space)
    try:
        return space.invitations.select_related("space").get(pk=invitation_id)
    except SpaceInvitation.DoesNotExist:
        raise Http404 from None


def _mine(actor: Actor) -> Q:
    return Q(user_id=actor.pk) | Q(user__isnull=True, email__iexact=actor.email)


def my_space_list(*, actor: Actor, limit: int = 6) -> list[Space]:
    """The spaces ``actor`` belongs to, most recently joined first, for the side column.

    One query, and a second for the rule when some of them are private or secret.
    """
    if not actor.is_authenticated:
        return []
    # The actor's spaces through their memberships, then the rule on them (``access.visible_among``):
    # small queries instead of the directory's filter, which cost ten times its own run to build.
    # Only what the list shows and the rule reads is loaded, in SQL written once: it is on every
    # page, and the ORM took several times longer to build the query than to run it.
    db = database()
    rows = fetch(_my_spaces_sql(), [actor.pk, limit])
    return access.visible_among(actor, [space for row in rows if (space := _MY_SPACE.build(row, 0, db))])


_MY_SPACE = ModelColumns(Space, "s", only=("name", "slug", "avatar", "visibility"))


@statement
def _my_spaces_sql(db: BaseDatabaseWrapper) -> str:
    return (
        f"SELECT {_MY_SPACE.select(db)} FROM {Membership._meta.db_table} m "  # noqa: S608 - names from the models' meta
        f"JOIN {Space._meta.db_table} s ON s.id = m.space_id "
        "WHERE m.user_id = %s AND s.archived_at IS NULL ORDER BY m.created_at DESC LIMIT %s"
    )


def co_member_ids(*, actor: Actor) -> QuerySet[Membership, Any]:
    """The ids (``user_id``) of people who share a space with ``actor``, as a subquery.

    Company-wide spaces (those an automatic rule fills with every employee) do not count: everyone
    shares them, so they say nothing about who works with whom. For ranking people the caller has
    already found through ``access.visible`` (the people suggestions); it reveals no space.
    """
    if not actor.is_authenticated:
        return Membership.objects.none().values("user_id")
    company_wide = AutoMembershipRule.objects.filter(department__isnull=True).values("space_id")
    mine = Membership.objects.filter(user_id=actor.pk).exclude(space_id__in=company_wide).values("space_id")
    return Membership.objects.filter(space_id__in=mine).exclude(user_id=actor.pk).values("user_id")


def my_invitation_list(*, actor: Actor) -> list[SpaceInvitation]:
    """Pending invitations addressed to ``actor`` (by account or by e-mail address)."""
    if not actor.is_authenticated:
        return []
    pending = SpaceInvitation.objects.filter(_mine(actor), status=SpaceInvitation.Status.PENDING)
    return list(pending.select_related("space", "user__profile", "invited_by__profile").order_by("-created_at"))


def my_invitation_get(*, actor: Actor, invitation_id: int) -> SpaceInvitation:
    try:
        return SpaceInvitation.objects.select_related("space").get(_mine(actor), pk=invitation_id)
    except SpaceInvitation.DoesNotExist:
        raise Http404 from None


def member_space_list(*, actor: Actor) -> list[Space]:
    """Every space ``actor`` belongs to, archived ones included, by name (Mastodon's lists: ``spaces.lists_api``).

    One query for the memberships' spaces, then the rule on them (``access.visible_among``): a membership of a
    space one may no longer see (a guest's, in a space closed to guests since) shows nothing.
    """
    if not actor.is_authenticated:
        return []
    spaces = with_viewer_role(actor, Space.objects.filter(memberships__user_id=actor.pk).order_by("name", "pk"))
    return access.visible_among(actor, list(spaces))


def member_space_get(*, actor: Actor, space_id: int) -> Space:
    """One of the spaces ``actor`` belongs to, or 404 (a space they see without belonging to it is not a list)."""
    if not actor.is_authenticated or not 0 < space_id < 1 << 63:
        raise Http404
    space = space_row(actor=actor, pk=space_id)  # with the reader's role: none for a non-member
    if space is None or space.viewer_role is None:  # type: ignore[attr-defined]  # set by space_row
        raise Http404
    return space
