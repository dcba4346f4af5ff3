"""Join, leave, change roles and remove members; a space always keeps an owner."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.access.rules.spaces import may_hold_role, may_manage_role
from essaim.accounts.models import User
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.events import emit
from essaim.events.types import MembershipChanged
from essaim.spaces.models import AutoMembershipRule, Membership, Space

Role = Membership.Role


def member_add(
    *, space: Space, user: User, role: str, rule: AutoMembershipRule | None = None, actor_id: int | None = None
) -> Membership:
    """Add ``user`` to ``space`` without a permission check: callers (services) check first; ``actor_id`` is
    who decided (``None``: a rule)."""
    membership = Membership(space=space, user=user, role=role, added_by_rule=rule)
    membership.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError(_("%(name)s is already a member.") % {"name": user.get_full_name()}) from None
    emit(MembershipChanged(actor_id=actor_id, space_id=space.pk, user_id=user.pk, role=role))
    return membership


def _owner_count(space: Space) -> int:
    return space.memberships.filter(role=Role.OWNER).count()


def _check_not_last_owner(membership: Membership, message: str) -> None:
    if membership.role == Role.OWNER and _owner_count(membership.space) <= 1:
        raise ValidationError(message)


@transaction.atomic
def membership_join(*, actor: Actor, space: Space) -> Membership:
    """Join a public space."""
    access.require(actor, Action.JOIN, space)
    return member_add(space=space, user=actor, role=Role.MEMBER, actor_id=actor.pk)


@transaction.atomic
def membership_leave(*, actor: Actor, space: Space) -> None:
    access.require(actor, Action.LEAVE, space)
    membership = Membership.objects.select_for_update().filter(space=space, user=actor).first()
    if membership is None:
        raise ValidationError(_("You are not a member of this space."))
    _check_not_last_owner(
        membership, _("You are the last owner of this space: make someone else owner before you leave.")
    )
    membership.delete()
    emit(_left(actor, membership))


def _left(actor: Actor, membership: Membership) -> MembershipChanged:
    return MembershipChanged(
        actor_id=actor.pk,
        space_id=membership.space_id,
        user_id=membership.user_id,
        role=None,
        previous_role=membership.role,
    )


@transaction.atomic
def membership_role_change(*, actor: Actor, membership: Membership, role: str) -> Membership:
    space = membership.space
    access.require(actor, Action.CHANGE_ROLE, space)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if not (may_manage_role(actor, space, membership.role) and may_manage_role(actor, space, role)):
        raise ValidationError({"role": _("Only an owner can give or take the owner role.")})
    if not may_hold_role(membership.user, role):
        raise ValidationError({"role": _("External guests can only be members or read-only members.")})
    if role != Role.OWNER:
        _check_not_last_owner(membership, _("A space needs an owner: make someone else owner first."))
    previous, membership.role = membership.role, role
    membership.full_clean(validate_unique=False, validate_constraints=False)
    membership.save(update_fields=["role"])
    if role != previous:
        record(
            AuditAction.SPACE_ROLE_CHANGED,
            actor=actor,
            target=membership.user,
            space_id=space.pk,
            space=space.name,
            previous=previous,
            role=role,
        )
        emit(
            MembershipChanged(
                actor_id=actor.pk, space_id=space.pk, user_id=membership.user_id, role=role, previous_role=previous
            )
        )
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, membership: Membership) -> None:
    space = membership.space
    access.require(actor, Action.REMOVE_MEMBER, space)
    if not may_manage_role(actor, space, membership.role):
        raise ValidationError(_("Only an owner can remove an owner."))
    _check_not_last_owner(membership, _("A space needs an owner: make someone else owner first."))
    membership.delete()
    record(
        AuditAction.SPACE_MEMBER_REMOVED,
        actor=actor,
        target=membership.user,
        space_id=space.pk,
        space=space.name,
        role=membership.role,
    )
    emit(_left(actor, membership))
