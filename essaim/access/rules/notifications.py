from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import can, register
from essaim.access.roles import Actor


class NotificationPolicy:
    """A notification is its recipient's alone: they read it, mark it read (``EDIT``) or dismiss it
    (``DELETE``); nobody else — network administrators included — sees it."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return (
            action in {Action.VIEW, Action.EDIT, Action.DELETE}
            and roles.is_signed_in(actor)
            and obj is not None
            and obj.recipient_id == actor.pk
        )

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(recipient_id=actor.pk) if roles.is_signed_in(actor) else queryset.none()


class OwnSettingPolicy:
    """A notification setting (a kind's channel, a space's level) is its person's alone."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return (
            action in {Action.VIEW, Action.EDIT, Action.DELETE}
            and roles.is_signed_in(actor)
            and obj is not None
            and obj.user_id == actor.pk
        )

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(user_id=actor.pk) if roles.is_signed_in(actor) else queryset.none()


class ThreadMutePolicy(OwnSettingPolicy):
    """A person mutes (``MUTE_THREAD``) and sees their mute of a post they may see, and nobody else's: one
    about a post they may not see answers 404, as a missing post does."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None or not roles.is_signed_in(actor) or obj.user_id != actor.pk:
            return False
        return action in {Action.VIEW, Action.MUTE_THREAD} and can(actor, Action.VIEW, obj.post)


register("notifications.Notification", NotificationPolicy())
register("notifications.NotificationSetting", OwnSettingPolicy())
register("notifications.SpaceNotificationLevel", OwnSettingPolicy())
register("notifications.ThreadMute", ThreadMutePolicy())
register("notifications.Marker", OwnSettingPolicy())
register("notifications.EmailPreferences", OwnSettingPolicy())
