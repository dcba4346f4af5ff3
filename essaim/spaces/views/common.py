"""Helpers shared by the spaces views."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from essaim import access
from essaim.access import Action
from essaim.spaces.models import Space

# What the templates ask about a space: ``perms.join``, ``perms.settings``…
PERMISSIONS = {
    "view_members": Action.VIEW_MEMBERS,
    "read": Action.READ_POSTS,
    "post": Action.CREATE_POST,
    "invite": Action.INVITE_MEMBERS,
    "approve": Action.APPROVE_MEMBERS,
    "change_role": Action.CHANGE_ROLE,
    "remove": Action.REMOVE_MEMBER,
    "moderate": Action.MODERATE,
    "settings": Action.EDIT_SETTINGS,
    "archive": Action.ARCHIVE,
    "delete": Action.DELETE,
    "join": Action.JOIN,
    "request": Action.REQUEST_JOIN,
    "leave": Action.LEAVE,
}


def permissions(request: HttpRequest, space: Space, names: Iterable[str] = PERMISSIONS) -> dict[str, bool]:
    """``perms`` for the templates: every answer, or only ``names`` (a directory row shows two buttons)."""
    return {name: access.can(request.user, PERMISSIONS[name], space) for name in names}
