from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """Everything a person may be allowed to do. Targets: an object, a model class, or ``None``."""

    # on any object
    VIEW = "view"
    EDIT = "edit"
    DELETE = "delete"
    # network level (target None)
    ADMINISTER_NETWORK = "network.administer"
    INVITE_PEOPLE = "network.invite"
    MANAGE_PEOPLE = "network.manage_people"  # deactivate, reactivate, grant roles
    VIEW_DIRECTORY = "people.directory"
    # people (target: a User)
    FOLLOW = "people.follow"
    VIEW_FOLLOWS = "people.view_follows"
    # stream
    CREATE_POST = "stream.create_post"
    COMMENT = "stream.comment"
    REACT = "stream.react"
    ANNOUNCE = "stream.announce"
    FOLLOW_TAG = "stream.follow_tag"
