"""Which notifications an app asked to be pushed: Mastodon's alert types, and Essaim's own.

A subscription's ``alerts`` names Mastodon's types (``mention``, ``status``, ``follow``, ``favourite``…: false when
an app does not send them, as Mastodon reads them) and Essaim's own (``essaim.space_invitation``,
``essaim.moderation``…: true unless an app sends them, since Mastodon apps do not know them and an invitation or a
moderator's decision is what a person acts on). A notification is pushed when its type's alert is true: its type is
the one the notifications API gives it (``notifications.api.TYPES``).
"""

from __future__ import annotations

from collections.abc import Mapping

from essaim.notifications.models import Notification

MASTODON = (
    "mention",
    "status",
    "reblog",
    "follow",
    "follow_request",
    "favourite",
    "poll",
    "update",
    "admin.sign_up",
    "admin.report",
)


def notification_type(kind: str) -> str:
    """The Mastodon type of a notification of ``kind`` (an Essaim one, ``essaim.…``, where Mastodon has none)."""
    from essaim.notifications.api import TYPES  # the API's mapping, one truth (it imports the notifications' writer)

    return TYPES.get(kind, f"essaim.{kind}")


def essaim_types() -> tuple[str, ...]:
    """Essaim's own types, in a stable order."""
    return tuple(sorted({t for kind in Notification.Kind.values if (t := notification_type(kind)) not in MASTODON}))


def complete(sent: Mapping[str, bool], *, previous: Mapping[str, bool] | None = None) -> dict[str, bool]:
    """Every type's alert: what ``sent`` says; else for Mastodon's, false; for Essaim's, ``previous`` or true."""
    before = previous or {}
    alerts = {name: bool(sent.get(name, False)) for name in MASTODON}
    alerts |= {name: bool(sent.get(name, before.get(name, True))) for name in essaim_types()}
    return alerts


def wants(alerts: Mapping[str, bool], kind: str) -> bool:
    """Whether a subscription with ``alerts`` wants a notification of ``kind`` pushed."""
    name = notification_type(kind)
    return bool(alerts.get(name, name not in MASTODON))
