"""Join requests for private spaces and invitations into any space."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.access import roles as access_roles
from essaim.access.roles import Actor
from essaim.access.rules.spaces import guest_may_hold, may_hold_role, may_manage_role
from essaim.accounts.models import User
from essaim.core.ratelimits import take
from essaim.events import emit
from essaim.events.types import JoinAnswered, JoinRequested, SpaceInvitationSent
from essaim.network.selectors import network_settings
from essaim.spaces.models import JoinRequest, Membership, Space, SpaceInvitation
from essaim.spaces.services.memberships import member_add

Role = Membership.Role


@transaction.atomic
def join_request_create(*, actor: Actor, space: Space, message: str = "") -> JoinRequest:
    """Ask to join a private space; its administrators decide."""
    access.require(actor, Action.REQUEST_JOIN, space)
    if JoinRequest.objects.filter(space=space, user=actor, status=JoinRequest.Status.PENDING).exists():
        raise ValidationError(_("You have already asked to join this space. Its administrators will answer soon."))
    take("join_request", actor.pk)
    join_request = JoinRequest(space=space, user=actor, message=message.strip())
    join_request.full_clean(validate_constraints=False)
    join_request.save()
    emit(JoinRequested(actor_id=actor.pk, request_id=join_request.pk, space_id=space.pk))
    return join_request


def _decide(actor: Actor, join_request: JoinRequest, status: str, response: str) -> JoinRequest:
    access.require(actor, Action.APPROVE_MEMBERS, join_request.space)
    locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if locked.status != JoinRequest.Status.PENDING:
        raise ValidationError(
            _("This request has already been handled (%(status)s).") % {"status": locked.get_status_display()}
        )
    locked.status = status
    locked.response = response.strip()
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.full_clean(validate_constraints=False)
    locked.save()
    emit(
        JoinAnswered(
            actor_id=actor.pk,
            request_id=locked.pk,
            space_id=locked.space_id,
            user_id=locked.user_id,
            accepted=status == JoinRequest.Status.APPROVED,
        )
    )
    return locked


@transaction.atomic
def join_request_approve(*, actor: Actor, join_request: JoinRequest, response: str = "") -> JoinRequest:
    decided = _decide(actor, join_request, JoinRequest.Status.APPROVED, response)
    if not Membership.objects.filter(space=decided.space, user=decided.user).exists():
        member_add(space=decided.space, user=decided.user, role=Role.MEMBER, actor_id=actor.pk)
    return decided


@transaction.atomic
def join_request_refuse(*, actor: Actor, join_request: JoinRequest, response: str = "") -> JoinRequest:
    return _decide(actor, join_request, JoinRequest.Status.REFUSED, response)


def _check_guest_invitation(role: str) -> None:
    if not network_settings().guests_allowed:
        raise ValidationError({"email": _("External guests are not allowed on this network.")})
    if not guest_may_hold(role):
        raise ValidationError({"role": _("External guests can only be members or read-only members.")})


@transaction.atomic
def invitation_create(
    *, actor: Actor, space: Space, user: User | None = None, email: str = "", role: str = Role.MEMBER
) -> SpaceInvitation:
    """Invite a colleague (``user``) or an external guest (``email``) into the space.

    A new external address gets an account invitation from the accounts app (network administrators
    only); the space invitation waits on the person's "Invitations" page once they have signed in.
    """
    access.require(actor, Action.INVITE_MEMBERS, space)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if not may_manage_role(actor, space, role):
        raise ValidationError({"role": _("Only an owner can give the owner role.")})
    email = email.strip().lower()
    if user is None and not email:
        raise ValidationError(_("Choose a colleague or type an e-mail address."))
    take("space_invitation", actor.pk)
    if user is None:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            _check_guest_invitation(role)
            _account_invitation_send(actor=actor, email=email)
    if user is not None:
        if access_roles.is_guest(user):
            _check_guest_invitation(role)
        if not user.is_active:
            raise ValidationError(_("This person's account is deactivated."))
        if Membership.objects.filter(space=space, user=user).exists():
            raise ValidationError(_("%(name)s is already a member.") % {"name": user.get_full_name()})
        email = ""
    pending = SpaceInvitation.objects.filter(space=space, status=SpaceInvitation.Status.PENDING)
    if pending.filter(Q(user=user) if user is not None else Q(email=email)).exists():
        raise ValidationError(_("An invitation to this space is already waiting for this person."))
    invitation = SpaceInvitation(space=space, user=user, email=email, role=role, invited_by=actor)
    invitation.full_clean(validate_constraints=False)
    invitation.save()
    emit(
        SpaceInvitationSent(
            actor_id=actor.pk, invitation_id=invitation.pk, space_id=space.pk, user_id=invitation.user_id
        )
    )
    return invitation


def _account_invitation_send(*, actor: Actor, email: str) -> None:
    from essaim.accounts import services as accounts_services

    if not access.can(actor, Action.INVITE_PEOPLE):
        raise ValidationError(
            {"email": _("Nobody has this address yet. Ask a network administrator to invite this external guest.")}
        )
    accounts_services.invitation_send(actor=actor, email=email, kind=User.Kind.GUEST)


def _is_invitee(actor: Actor, invitation: SpaceInvitation) -> bool:
    if not access_roles.is_signed_in(actor):
        return False
    if invitation.user_id is not None:
        return bool(invitation.user_id == actor.pk)
    return bool(invitation.email) and invitation.email.lower() == actor.email.lower()


def _answer(actor: Actor, invitation: SpaceInvitation, status: str) -> SpaceInvitation:
    locked = SpaceInvitation.objects.select_for_update().select_related("space").get(pk=invitation.pk)
    if not _is_invitee(actor, locked):
        raise ValidationError(_("This invitation is for someone else."))
    if locked.status != SpaceInvitation.Status.PENDING:
        raise ValidationError(
            _("This invitation has already been answered (%(status)s).") % {"status": locked.get_status_display()}
        )
    if locked.space.archived_at is not None:
        raise ValidationError(_("This space is archived: nobody can join it any more."))
    locked.status = status
    locked.user = actor
    locked.answered_at = timezone.now()
    locked.save(update_fields=["status", "user", "answered_at"])
    return locked


@transaction.atomic
def invitation_accept(*, actor: Actor, invitation: SpaceInvitation) -> Membership:
    answered = _answer(actor, invitation, SpaceInvitation.Status.ACCEPTED)
    existing = Membership.objects.filter(space=answered.space, user=actor).first()
    if existing is not None:
        return existing
    role = answered.role if may_hold_role(actor, answered.role) else Role.MEMBER
    return member_add(space=answered.space, user=actor, role=role, actor_id=actor.pk)


@transaction.atomic
def invitation_decline(*, actor: Actor, invitation: SpaceInvitation) -> SpaceInvitation:
    return _answer(actor, invitation, SpaceInvitation.Status.DECLINED)


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: SpaceInvitation) -> SpaceInvitation:
    access.require(actor, Action.INVITE_MEMBERS, invitation.space)
    if invitation.status != SpaceInvitation.Status.PENDING:
        raise ValidationError(_("This invitation has already been answered."))
    invitation.status = SpaceInvitation.Status.REVOKED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    return invitation
