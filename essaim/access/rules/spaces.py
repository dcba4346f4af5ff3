"""Who may see a space, read and write in it, and run it.

Roles, from the outside in:

- anonymous visitors see no space;
- guests (external people) see only the spaces they are members of, and never rank above "member";
- employees see public and private spaces (listed), read public ones, join public ones and ask to join
  private ones; secret spaces exist for their members only;
- space roles: reader (reads, reacts) < member (posts, comments) < moderator (moderates) <
  admin (invites, approves, changes roles, removes members, edits settings, the space's usage charter and
  its feeds and webhooks, archives) < owner (deletes);
- network administrators run every space (see it, its members, settings, archive, delete) but read the
  posts only of spaces an employee may read or they belong to: they do NOT read secret or private spaces
  they are not members of;
- compliance officers see, read and do in the spaces what any employee may (plus what their space roles
  give them): the compliance role reads compliance exports and the audit log (``rules/compliance.py``,
  ``rules/network.py``), it never browses secret or private spaces interactively.

Where the space asks for it (``Space.post_approval``), a post waits for a moderator before others see it
(``PUBLISH_DIRECTLY`` says whose do not): guests' posts, newcomers' (members for less than 30 days, and
guests), or every member's; a moderator's never waits.

An archived space is read-only: only un-archiving (``ARCHIVE``) and ``DELETE`` remain.
Sub-spaces follow the same rules; services keep their visibility no wider than the parent's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import register
from essaim.access.roles import Actor
from essaim.access.rules.memberships import space_roles
from essaim.spaces.models import Membership, Space

RANK: dict[str, int] = {
    Membership.Role.READER.value: 1,
    Membership.Role.MEMBER.value: 2,
    Membership.Role.MODERATOR.value: 3,
    Membership.Role.ADMIN.value: 4,
    Membership.Role.OWNER.value: 5,
}
READER, MEMBER, MODERATOR, ADMIN, OWNER = 1, 2, 3, 4, 5
# ``Space.PostApproval.NEWCOMERS``: how long a new member's posts wait for a moderator.
NEWCOMER_FOR = timedelta(days=30)

_RUN_ACTIONS = {
    Action.INVITE_MEMBERS,
    Action.APPROVE_MEMBERS,
    Action.CHANGE_ROLE,
    Action.REMOVE_MEMBER,
    Action.EDIT_SETTINGS,
    Action.EDIT_CHARTER,
    Action.MANAGE_FEEDS,
    Action.ENABLE_IDEAS,  # turn the space's idea box on or off (``rules/ideas.py``)
    Action.MANAGE_WEBHOOKS,
    Action.EDIT,
}


def with_viewer_role(actor: Actor, queryset: QuerySet[Space]) -> QuerySet[Space]:
    """Annotate each space with ``actor``'s role so that ``can`` needs no query per space."""
    if not roles.is_signed_in(actor):
        return queryset
    role = Membership.objects.filter(space_id=OuterRef("pk"), user_id=actor.pk).values("role")[:1]
    return queryset.annotate(viewer_role=Subquery(role), viewer_role_for=Value(actor.pk))


def space_rank(actor: Actor, space: Space) -> int:
    """``actor``'s rank in ``space``: 0 for non-members; guests never rank above member."""
    if not roles.is_signed_in(actor) or space.pk is None:
        return 0
    if getattr(space, "viewer_role_for", None) == actor.pk:
        role = getattr(space, "viewer_role", None)
    else:
        role = Membership.objects.filter(space_id=space.pk, user_id=actor.pk).values_list("role", flat=True).first()
    rank = RANK.get(role, 0) if role else 0
    if roles.is_guest(actor):
        rank = min(rank, MEMBER)
    return rank


def may_create_space(actor: Actor) -> bool:
    if roles.is_network_admin(actor):
        return True
    match settings.SPACE_CREATORS:
        case "everyone":
            return roles.is_employee(actor)
        case "communication":
            return roles.is_communication_team(actor)
        case _:
            return False


def may_manage_role(actor: Actor, space: Space, role: str) -> bool:
    """Whether ``actor`` may give, take or remove ``role`` in ``space``: owners' roles are for owners only."""
    if roles.is_network_admin(actor):
        return True
    rank = space_rank(actor, space)
    return rank >= OWNER or (rank >= ADMIN and role != Membership.Role.OWNER)


def guest_may_hold(role: str) -> bool:
    """Guests stay plain members or readers: they never moderate or run a space."""
    return RANK.get(role, 0) <= MEMBER


def may_hold_role(user: Actor, role: str) -> bool:
    return not roles.is_guest(user) or guest_may_hold(role)


def approving_roles(actor: Actor) -> tuple[str, ...]:
    """The space roles with which ``actor`` answers its join requests (``APPROVE_MEMBERS``), for counting
    what waits for them (the spaces menu's count): none for guests, who never rank above member.

    Network administrators may approve in every space, but what waits for them is counted only where
    they hold such a role: the count says what is theirs to answer, not everything pending.
    """
    if not roles.is_signed_in(actor) or roles.is_guest(actor):
        return ()
    return tuple(role for role, rank in RANK.items() if rank >= ADMIN)


def sole_owner(actor: Actor, space: Space) -> bool:
    """Whether ``actor`` is the only owner of ``space``: they may not leave it before naming another owner
    (``spaces.services.membership_leave`` refuses). One query, for owners only."""
    if space_rank(actor, space) < OWNER:
        return False
    return Membership.objects.filter(space_id=space.pk, role=Membership.Role.OWNER).count() <= 1


class SpacePolicy:
    def can(self, actor: Actor, action: Action, space: Any) -> bool:
        if space is None:
            return action is Action.CREATE_SPACE and may_create_space(actor)
        if not roles.is_signed_in(actor):
            return False
        rank = space_rank(actor, space)
        admin = roles.is_network_admin(actor)
        employee = roles.is_employee(actor)
        public = space.visibility == Space.Visibility.PUBLIC
        listed = space.visibility != Space.Visibility.SECRET
        if not (rank or admin or (employee and listed)):
            return False  # not visible: every action answers "not found"
        if action is Action.VIEW:
            return True
        if action is Action.VIEW_MEMBERS:
            return bool(rank or admin or (employee and public))
        if action is Action.READ_POSTS:
            return bool(rank or (employee and public))
        if action is Action.ARCHIVE:
            return rank >= ADMIN or admin
        if action is Action.DELETE:
            return rank >= OWNER or admin
        if space.archived_at is not None:
            return False
        if action is Action.PUBLISH_DIRECTLY:
            return self._publishes_directly(actor, space, rank=rank)
        return self._can_write(action, rank=rank, admin=admin, employee=employee, visibility=space.visibility)

    @staticmethod
    def _publishes_directly(actor: Actor, space: Any, *, rank: int) -> bool:
        """Whether a post the actor writes in the space shows at once, or waits for a moderator."""
        approval = space.post_approval
        if rank < MEMBER:
            return False
        if rank >= MODERATOR or approval == Space.PostApproval.NONE:
            return True
        if approval == Space.PostApproval.MEMBERS or roles.is_guest(actor):
            return False
        if approval == Space.PostApproval.NEWCOMERS:
            joined = Membership.objects.filter(space_id=space.pk, user_id=actor.pk).values_list("created_at", flat=True)
            since = joined.first()
            return since is not None and since <= timezone.now() - NEWCOMER_FOR
        return True  # GUESTS, and the actor is an employee

    @staticmethod
    def _can_write(action: Action, *, rank: int, admin: bool, employee: bool, visibility: str) -> bool:
        if action in _RUN_ACTIONS:
            return rank >= ADMIN or admin
        match action:
            case Action.CREATE_POST | Action.COMMENT:
                return rank >= MEMBER
            case Action.REACT:
                return rank >= READER
            case Action.MODERATE:
                return rank >= MODERATOR
            case Action.JOIN:
                return rank == 0 and employee and visibility == Space.Visibility.PUBLIC
            case Action.REQUEST_JOIN:
                return rank == 0 and employee and visibility == Space.Visibility.PRIVATE
            case Action.LEAVE:
                return rank > 0
            case _:
                return False

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not roles.is_signed_in(actor):
            return queryset.none()
        if roles.is_network_admin(actor):
            return queryset
        member = Exists(Membership.objects.filter(space_id=OuterRef("pk"), user_id=actor.pk))
        if roles.is_employee(actor):
            return queryset.filter(Q(member) | ~Q(visibility=Space.Visibility.SECRET))
        return queryset.filter(member)

    def visible_sql(self, actor: Actor, alias: str) -> tuple[str, list[Any]]:
        """``visible`` as an SQL condition on the spaces table under ``alias``, with its parameters, for
        a selector written in SQL (the directory: ``spaces.space_rows``). The same rule as ``visible``,
        proven equal to it for every kind of reader in ``tests/access/test_visible_sql.py``."""
        if not roles.is_signed_in(actor):
            return "1 = 0", []
        if roles.is_network_admin(actor):
            return "1 = 1", []
        member = (
            f"EXISTS (SELECT 1 FROM {Membership._meta.db_table} vm "  # noqa: S608 - names from the model's meta
            f"WHERE vm.space_id = {alias}.id AND vm.user_id = %s)"
        )
        if roles.is_employee(actor):
            return f"({alias}.visibility <> %s OR {member})", [Space.Visibility.SECRET.value, actor.pk]
        return member, [actor.pk]

    def visible_among(self, actor: Actor, spaces: Sequence[Any]) -> list[Any]:
        """``visible`` decided on loaded spaces: at most one query, for the actor's memberships."""
        if not roles.is_signed_in(actor):
            return []
        if roles.is_network_admin(actor):
            return list(spaces)
        employee = roles.is_employee(actor)
        unsure = [s.pk for s in spaces if not (employee and s.visibility != Space.Visibility.SECRET)]
        mine = {space_id for space_id, _role in space_roles(actor.pk, unsure)} if unsure else set()
        return [s for s in spaces if s.pk in mine or (employee and s.visibility != Space.Visibility.SECRET)]


class MembershipPolicy:
    """A membership is visible to whoever may see its space's member list (``VIEW_MEMBERS``)."""

    def can(self, actor: Actor, action: Action, membership: Any) -> bool:
        if membership is None:
            return False
        if action is Action.VIEW:
            return SpacePolicy().can(actor, Action.VIEW_MEMBERS, membership.space)
        return False

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not roles.is_signed_in(actor):
            return queryset.none()
        if roles.is_network_admin(actor):
            return queryset
        member = Exists(Membership.objects.filter(space_id=OuterRef("space_id"), user_id=actor.pk))
        if roles.is_employee(actor):
            return queryset.filter(Q(member) | Q(space__visibility=Space.Visibility.PUBLIC))
        return queryset.filter(member)


register("spaces.Space", SpacePolicy())
register("spaces.Membership", MembershipPolicy())
