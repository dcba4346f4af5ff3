"""Automatic membership rules: everyone, or everyone in a department, becomes a member."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.access import roles as access_roles
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.events import emit
from essaim.events.types import MembershipChanged
from essaim.spaces.models import AutoMembershipRule, Membership, Space

Role = Membership.Role


def _rule_matching_users(rule: AutoMembershipRule) -> Iterable[int]:
    people = User.objects.filter(kind=User.Kind.EMPLOYEE, is_active=True)
    if rule.department_id is not None:
        people = people.filter(profile__department_id=rule.department_id)
    return people.exclude(space_memberships__space_id=rule.space_id).values_list("pk", flat=True)


@transaction.atomic
def rule_apply(*, rule: AutoMembershipRule) -> int:
    """Add every matching employee who is not a member yet; returns how many were added. Set-based."""
    if rule.space.archived_at is not None:
        return 0
    added = [
        Membership(space_id=rule.space_id, user_id=pk, role=Role.MEMBER, added_by_rule=rule)
        for pk in _rule_matching_users(rule)
    ]
    Membership.objects.bulk_create(added, batch_size=500, ignore_conflicts=True)
    emit(
        *(MembershipChanged(actor_id=None, space_id=rule.space_id, user_id=m.user_id, role=Role.MEMBER) for m in added)
    )
    return len(added)


@transaction.atomic
def rule_create(*, actor: Actor, space: Space, department_id: int | None = None) -> AutoMembershipRule:
    """Everyone in a department (everyone when ``department_id`` is None) becomes a member, now and later."""
    access.require(actor, Action.EDIT_SETTINGS, space)
    same = Q(department__isnull=True) if department_id is None else Q(department_id=department_id)
    if AutoMembershipRule.objects.filter(same, space=space).exists():
        raise ValidationError({"department": _("This rule already exists.")})
    rule = AutoMembershipRule(space=space, department_id=department_id, created_by=actor)
    rule.full_clean(validate_constraints=False)
    rule.save()
    rule_apply(rule=rule)
    return rule


@transaction.atomic
def rule_delete(*, actor: Actor, rule: AutoMembershipRule) -> None:
    """Stop adding people; those already added stay members."""
    access.require(actor, Action.EDIT_SETTINGS, rule.space)
    rule.delete()


@transaction.atomic
def memberships_sync_for_user(*, user: User) -> None:
    """Apply the automatic rules to one person (call it when their department or status changes).

    Adds the memberships their rules now give; removes plain memberships a rule gave that no longer applies.
    """
    department_id = (
        User.objects.filter(pk=user.pk).values_list("profile__department_id", flat=True).first()
        if user.pk is not None
        else None
    )
    eligible = access_roles.is_employee(user)
    matching = (
        AutoMembershipRule.objects.filter(Q(department=None) | Q(department_id=department_id), space__archived_at=None)
        if eligible
        else AutoMembershipRule.objects.none()
    )
    stale = Membership.objects.filter(user=user, added_by_rule__isnull=False, role=Role.MEMBER).exclude(
        added_by_rule__in=matching
    )
    stale = stale.exclude(space__auto_rules__in=matching)
    left = list(stale.values_list("space_id", flat=True))
    stale.delete()
    member_of = set(Membership.objects.filter(user=user).values_list("space_id", flat=True))
    added: dict[int, Membership] = {}
    for rule in matching:
        if rule.space_id not in member_of and rule.space_id not in added:
            added[rule.space_id] = Membership(space_id=rule.space_id, user=user, role=Role.MEMBER, added_by_rule=rule)
    Membership.objects.bulk_create(added.values(), ignore_conflicts=True)
    emit(
        *(
            MembershipChanged(actor_id=None, space_id=space_id, user_id=user.pk, role=None, previous_role=Role.MEMBER)
            for space_id in left
        ),
        *(MembershipChanged(actor_id=None, space_id=space_id, user_id=user.pk, role=Role.MEMBER) for space_id in added),
    )
