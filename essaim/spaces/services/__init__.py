"""Writes for spaces, memberships, join requests, invitations and automatic membership rules.

Keyword-only, typed, atomic; the permission check comes first (``essaim.access``); every refusal is a
translated ``ValidationError`` (or ``Http404``/``PermissionDenied`` from ``access.require``).
Other apps import from here: ``from essaim.spaces import services``.
"""

from essaim.spaces.services.joining import (
    invitation_accept,
    invitation_create,
    invitation_decline,
    invitation_revoke,
    join_request_approve,
    join_request_create,
    join_request_refuse,
)
from essaim.spaces.services.memberships import (
    membership_join,
    membership_leave,
    membership_remove,
    membership_role_change,
)
from essaim.spaces.services.pins import space_pin_add, space_pin_remove
from essaim.spaces.services.rules import memberships_sync_for_user, rule_apply, rule_create, rule_delete
from essaim.spaces.services.spaces import (
    space_archive,
    space_create,
    space_delete,
    space_image_set,
    space_unarchive,
    space_update,
)

__all__ = [
    "invitation_accept",
    "invitation_create",
    "invitation_decline",
    "invitation_revoke",
    "join_request_approve",
    "join_request_create",
    "join_request_refuse",
    "membership_join",
    "membership_leave",
    "membership_remove",
    "membership_role_change",
    "memberships_sync_for_user",
    "rule_apply",
    "rule_create",
    "rule_delete",
    "space_archive",
    "space_create",
    "space_delete",
    "space_image_set",
    "space_pin_add",
    "space_pin_remove",
    "space_unarchive",
    "space_update",
]
