from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import register, register_network
from essaim.access.roles import Actor
from essaim.access.rules.moderation import moderates_something


class Network:
    def can(self, actor: Actor, action: Action) -> bool:
        match action:
            case (
                Action.ADMINISTER_NETWORK
                | Action.INVITE_PEOPLE
                | Action.MANAGE_PEOPLE
                | Action.READ_OUTBOX
                | Action.MANAGE_BACKUPS
                | Action.MANAGE_CHARTER
                | Action.ERASE_PEOPLE
                | Action.VIEW_ALL_FEEDS
                | Action.MANAGE_NETWORK_WEBHOOKS
                | Action.MANAGE_RETENTION
                | Action.MANAGE_SCIM_TOKENS
                | Action.MANAGE_SSO
            ):
                return roles.is_network_admin(actor)
            case Action.SET_LEGAL_HOLD:  # ``rules/compliance.py``
                return roles.is_network_admin(actor) or roles.is_compliance_officer(actor)
            case Action.EXPORT_COMPLIANCE:
                return roles.is_compliance_officer(actor)
            case Action.PROVISION_PEOPLE:  # the company's directory through a SCIM token, never a person
                return roles.is_directory(actor)
            case Action.MODERATE_REPORTS:  # open the queue: ``rules/moderation.py``
                return moderates_something(actor)
            # compliance reads the log and the charters' acceptances; it never needs to browse the spaces for it
            case (
                Action.VIEW_AUDIT_LOG
                | Action.EXPORT_CHARTER_ACCEPTANCES
                | Action.MANAGE_WATCH_RULES  # watch rules: ``rules/watchrules.py``
                | Action.REVIEW_WATCH_HITS
            ):
                return roles.is_network_admin(actor) or roles.is_compliance_officer(actor)
            case (
                Action.VIEW_DIRECTORY
                | Action.VIEW_COMPANY_FEED
                | Action.CREATE_POST
                | Action.FOLLOW_TAG
                | Action.GIVE_PRAISE
            ):
                return roles.is_employee(actor)
            case Action.VIEW_ORG_STRUCTURE:  # guests have no use for the company's departments and sites
                return roles.is_employee(actor) or roles.is_network_admin(actor)
            case (
                Action.UPLOAD_MEDIA
                | Action.READ_NOTIFICATIONS
                | Action.CHOOSE_NOTIFICATIONS
                | Action.KEEP_MARKERS
                | Action.EXPORT_OWN_DATA
                | Action.KEEP_CALENDAR_FEED
                | Action.KEEP_ATOM_FEED
                | Action.MUTE_SOURCE
                | Action.SEARCH
            ):  # guests too: they post in their spaces (and search what they may read), and their data is theirs
                return roles.is_signed_in(actor)
            case _:
                return False


class InvitationPolicy:
    """Invitations are the network administrators' business only."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return action in {Action.VIEW, Action.EDIT} and roles.is_network_admin(actor)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if roles.is_network_admin(actor) else queryset.none()


class InvitationBatchPolicy:
    """A file of invitations is its uploader's, while they are a network administrator."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return (
            action in {Action.VIEW, Action.EDIT}
            and roles.is_network_admin(actor)
            and (obj is None or obj.created_by_id == actor.pk)
        )

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(created_by_id=actor.pk) if roles.is_network_admin(actor) else queryset.none()


register_network(Network())
register("accounts.Invitation", InvitationPolicy())
register("accounts.InvitationBatch", InvitationBatchPolicy())
