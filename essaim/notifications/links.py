"""Where a notification leads: the post (at the comment), the person, the space or its requests."""

from __future__ import annotations

from django.urls import reverse

from essaim.notifications.models import Notification

Kind = Notification.Kind


def target_url(notification: Notification) -> str:
    if notification.kind == Kind.FOLLOW and notification.actor is not None:
        return reverse("people:profile", kwargs={"handle": notification.actor.handle})
    if notification.kind == Kind.INVITATION:
        return reverse("spaces:my-invitations")
    if notification.kind == Kind.JOIN_REQUEST and notification.space is not None:
        return reverse("spaces:space-requests", kwargs={"slug": notification.space.slug})
    if notification.kind == Kind.MODERATION:
        return _moderation_url(notification)
    if notification.post_id is not None:
        url = reverse("stream:post-detail", kwargs={"post_id": notification.post_id})
        return f"{url}#comment-{notification.comment_id}" if notification.comment_id else url
    if notification.space is not None:
        return notification.space.get_absolute_url()
    return reverse("notifications:list")


def _moderation_url(notification: Notification) -> str:
    """A warning leads to the person's warnings; a hidden post to the post (its author still reads it)."""
    report = notification.report
    if report is not None and report.decision == "warned":
        return reverse("moderation:warnings")
    if report is not None and report.decision == "hidden" and report.post_id is not None:
        return reverse("stream:post-detail", kwargs={"post_id": report.post_id})
    return reverse("notifications:list")
