"""Who reports, who sees and decides reports, who suspends.

* **Reporting** (``Action.REPORT``, in ``rules/stream.py`` and ``rules/people.py``): any signed-in person who
  may see the post, the comment or the person, never their own (the service refuses a second open report of
  the same target with a message, not a 403).
* **Deciding** (``Action.MODERATE_REPORTS``; ``VIEW`` is the same right): a report on a post or a comment in a
  space goes to the space's moderators, admins and owners while the space is active (``Action.MODERATE`` on
  the space). Network administrators decide the reports on people and on posts outside spaces, and those in
  the spaces whose posts they may read (public ones, those they belong to): they do not read private or
  secret spaces they are not in (``rules/spaces.py``), so those spaces' reports are their moderators' alone.
  A report is not shown to its reporter: they are answered once, when they make it, and told the outcome.
* **Suspending** an account (``Action.SUSPEND`` on a User): network administrators only.
* Opening the queue (``MODERATE_REPORTS`` without a target): network administrators, and whoever moderates
  an active space.
* A warning is its person's alone (``READ_WARNING``); suspensions are read by network administrators.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import can, register
from essaim.access.roles import Actor
from essaim.access.rules.memberships import space_roles

MODERATING_ROLES = ("owner", "admin", "moderator")


def moderates_something(actor: Actor) -> bool:
    """Whether ``actor`` has a queue to open: a network administrator, or a moderator of an active space."""
    from essaim.spaces.models import Membership

    if roles.is_network_admin(actor):
        return True
    if not roles.is_signed_in(actor) or roles.is_guest(actor):
        return False
    moderating = Membership.objects.filter(user_id=actor.pk, role__in=MODERATING_ROLES, space__archived_at=None)
    return moderating.exists()


def _admin_reads(actor: Actor, space: Any) -> bool:
    """A network administrator reads the posts of public spaces and of the spaces they belong to."""
    if not roles.is_network_admin(actor):
        return False
    return space.visibility == "public" or bool(space_roles(actor.pk, [space.pk]))


class ReportPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None or action not in {Action.VIEW, Action.MODERATE_REPORTS} or not roles.is_signed_in(actor):
            return False
        if obj.space_id is None:
            return roles.is_network_admin(actor)
        return can(actor, Action.MODERATE, obj.space) or _admin_reads(actor, obj.space)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        from essaim.spaces.models import Membership

        if not roles.is_signed_in(actor):
            return queryset.none()
        condition = Q(pk__in=[])
        if not roles.is_guest(actor):
            moderating = Membership.objects.filter(
                user_id=actor.pk, space_id=OuterRef("space_id"), role__in=MODERATING_ROLES, space__archived_at=None
            )
            condition |= Q(Exists(moderating))
        if roles.is_network_admin(actor):
            member = Membership.objects.filter(user_id=actor.pk, space_id=OuterRef("space_id"))
            condition |= Q(space__isnull=True) | Q(space__visibility="public") | Q(Exists(member))
        return queryset.filter(condition)

    def visible_sql(self, actor: Actor, alias: str) -> tuple[str, list[Any]]:
        """``visible`` as an SQL condition on the reports table under ``alias``: the navigation's count
        (``spaces.selectors.pending_for``), in the same statement as the spaces' own counts. Proven equal to
        ``visible`` in ``tests/access/test_matrix_moderation.py``."""
        from essaim.spaces.models import Membership, Space

        if not roles.is_signed_in(actor):
            return "1 = 0", []
        members, spaces = Membership._meta.db_table, Space._meta.db_table
        clauses: list[str] = []
        params: list[Any] = []
        if not roles.is_guest(actor):
            clauses.append(
                f"EXISTS (SELECT 1 FROM {members} rm JOIN {spaces} rs ON rs.id = rm.space_id "  # noqa: S608 - names
                f"WHERE rm.space_id = {alias}.space_id AND rm.user_id = %s AND rm.role IN (%s, %s, %s) "
                "AND rs.archived_at IS NULL)"
            )
            params += [actor.pk, *MODERATING_ROLES]
        if roles.is_network_admin(actor):
            clauses.append(
                f"{alias}.space_id IS NULL "  # noqa: S608 - names from the models' meta
                f"OR EXISTS (SELECT 1 FROM {spaces} ps WHERE ps.id = {alias}.space_id AND ps.visibility = %s) "
                f"OR EXISTS (SELECT 1 FROM {members} am WHERE am.space_id = {alias}.space_id AND am.user_id = %s)"
            )
            params += ["public", actor.pk]
        return ("(" + " OR ".join(clauses) + ")" if clauses else "1 = 0"), params


class WarningPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return (
            action in {Action.VIEW, Action.READ_WARNING}
            and obj is not None
            and roles.is_signed_in(actor)
            and obj.user_id == actor.pk
        )

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(user_id=actor.pk) if roles.is_signed_in(actor) else queryset.none()


class SuspensionPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return action is Action.VIEW and roles.is_network_admin(actor)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if roles.is_network_admin(actor) else queryset.none()


register("moderation.Report", ReportPolicy())
register("moderation.ModerationWarning", WarningPolicy())
register("moderation.Suspension", SuspensionPolicy())
