"""A person's notification settings (``/api/v1/notifications/settings``): how each kind of notification reaches
them, what each of their spaces tells them, their digest and their quiet hours. The settings page's choices, read
through the same selectors and saved through the same services, all or nothing; no Mastodon shape has them.

The body is JSON only: its maps (a channel per kind, a level per space id) have no form spelling Mastodon's
clients share. pydantic checks the shapes, this module the times' format, and the services every rule (kinds,
channels, levels, membership, digest, both ends of the quiet hours), in the reader's language.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field, WithJsonSchema

from essaim.accounts.models import User
from essaim.api.auth import current_user
from essaim.api.body import Body, parse_body
from essaim.api.errors import ApiError, errors
from essaim.api.params import ID_DESCRIPTION, ID_PATTERN
from essaim.core.ids import parse_id
from essaim.notifications import quiet_hours, selectors, services
from essaim.notifications.models import Channel, Digest, Notification, SpaceLevel

router = Router(tags=["notifications"])
KINDS: list[str] = Notification.Kind.values
CLOCK = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")

CHANNEL = {"type": "string", "enum": Channel.values}
LEVEL = {"type": "string", "enum": SpaceLevel.values}
DIGEST = {"type": "string", "enum": Digest.values, "description": "How often the digest is e-mailed to you."}
TIME = {"type": "string", "pattern": f"^{CLOCK.pattern}$", "description": "HH:MM, 24 hours, in your time zone."}
QUIET_HOURS = {
    "type": "object",
    "properties": {"from": TIME, "until": TIME},
    "required": ["from", "until"],
    "description": "No e-mail from `from` until `until` (over midnight when it comes first); two different times.",
}


def _channels(*, every_kind: bool) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": dict.fromkeys(KINDS, CHANNEL),
        "additionalProperties": False,
        "description": "How each kind of notification reaches you, by kind.",
    }
    if every_kind:
        schema["required"] = KINDS
    return schema


class SpaceSetting(Schema):
    id: str
    name: str
    level: Annotated[str, WithJsonSchema(LEVEL)]


class NotificationSettings(Schema):
    channels: Annotated[dict[str, str], WithJsonSchema(_channels(every_kind=True))]
    spaces: list[SpaceSetting] = Field(description="The spaces you belong to, by name, each with its level.")
    digest: Annotated[str, WithJsonSchema(DIGEST)]
    quiet_hours: Annotated[dict[str, str] | None, WithJsonSchema({"anyOf": [QUIET_HOURS, {"type": "null"}]})]
    time_zone: Annotated[
        str,
        WithJsonSchema(
            {
                "type": "string",
                "readOnly": True,
                "description": "Your time zone (IANA), that of the quiet hours; changed on your profile, not here.",
            }
        ),
    ]


class QuietHoursIn(Body):
    start: str = Field(alias="from")
    until: str


class SettingsChange(Body):
    """What ``PATCH`` reads (``SETTINGS_CHANGE`` documents it): a field left out is not in ``model_fields_set``."""

    channels: dict[str, str] = Field(default_factory=dict)
    spaces: dict[str, str] = Field(default_factory=dict)
    digest: str = ""
    quiet_hours: QuietHoursIn | None = None


SETTINGS_CHANGE = {
    "type": "object",
    "description": 'Only the fields sent change; `"quiet_hours": null` removes the quiet hours.',
    "properties": {
        "channels": _channels(every_kind=False),
        "spaces": {
            "type": "object",
            "propertyNames": {"pattern": ID_PATTERN},
            "additionalProperties": LEVEL,
            "description": f"A level by space id (a space you belong to). {ID_DESCRIPTION}",
        },
        "digest": DIGEST,
        "quiet_hours": {"anyOf": [QUIET_HOURS, {"type": "null"}]},
    },
}


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")


def _settings(actor: User) -> dict[str, Any]:
    """``actor``'s settings as :class:`NotificationSettings`, defaults filled in."""
    choices = selectors.notification_choices_for(actor=actor)
    preferences = selectors.email_preferences_for(actor=actor)
    start, end = preferences.quiet_from, preferences.quiet_until
    return {
        "channels": choices.channels,
        "spaces": [{"id": str(space.pk), "name": space.name, "level": level} for space, level in choices.spaces],
        "digest": preferences.digest,
        "quiet_hours": None if start is None or end is None else {"from": _clock(start), "until": _clock(end)},
        "time_zone": quiet_hours.zone(actor.timezone).key,  # the zone the quiet hours are kept in
    }


def _change(request: HttpRequest) -> SettingsChange:
    if request.body and (request.content_type or "").lower() != "application/json":
        raise ApiError(415, _("Send the settings as JSON (Content-Type: application/json)."))
    return parse_body(request, SettingsChange)


def _time(text: str) -> time:
    if not CLOCK.fullmatch(text):
        raise ValidationError({"quiet_hours": _("Write a time as HH:MM, from 00:00 to 23:59.")})
    return time.fromisoformat(text)


def _email(change: SettingsChange, actor: User) -> dict[str, Any]:
    """The digest and quiet hours to save: those sent, the current ones for what was left out."""
    current = selectors.email_preferences_for(actor=actor)
    chosen = {"digest": current.digest, "quiet_from": current.quiet_from, "quiet_until": current.quiet_until}
    if "digest" in change.model_fields_set:
        chosen["digest"] = change.digest
    if "quiet_hours" in change.model_fields_set:
        sent = change.quiet_hours
        chosen["quiet_from"] = None if sent is None else _time(sent.start)
        chosen["quiet_until"] = None if sent is None else _time(sent.until)
    return chosen


@router.get("/notifications/settings", response={200: NotificationSettings}, url_name="notification-settings")
def notification_settings(request: HttpRequest) -> dict[str, Any]:
    """Your notification settings: a channel per kind, a level per space you belong to, the digest and quiet
    hours (in your time zone, given read-only)."""
    return _settings(current_user(request))


@router.patch(
    "/notifications/settings",
    response={200: NotificationSettings, **errors(415, 422)},
    url_name="notification-settings-update",
    openapi_extra={"requestBody": {"required": False, "content": {"application/json": {"schema": SETTINGS_CHANGE}}}},
)
def notification_settings_update(request: HttpRequest) -> dict[str, Any]:
    """Change the settings sent; what is left out keeps its value. Anything refused refuses the whole change
    (422, nothing saved); answers your settings."""
    actor = current_user(request)
    change = _change(request)
    services.notification_settings_save(
        actor=actor,
        channels=change.channels,
        # Digits that name no space (or no id at all) name none of the person's: the service refuses it.
        levels={(parse_id(space_id) or 0): level for space_id, level in change.spaces.items()},
        **_email(change, actor),
    )
    return _settings(actor)
