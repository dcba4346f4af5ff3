"""Writes of Web Push: an app's subscription (one per access token), and the pushes owed for new notifications.

``push_on_commit`` is called by the notifications' writer (``notifications.services``) with the rows it wrote:
for those whose recipients have a subscription, a task sends the pushes once the transaction commits
(``tasks.send_push``, ``delivery``). People with no subscription cost one indexed lookup per batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.notifications.models import Notification
from essaim.webpush import alerts as alert_types
from essaim.webpush.keys import b64url, b64url_decode
from essaim.webpush.models import PushSubscription

Policy = PushSubscription.Policy
ENDPOINT_MAX = 2000


def _check_keys(p256dh: str, auth: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(p256dh))
    except ValueError:
        errors["keys.p256dh"] = [_("The p256dh key must be a P-256 public key (65 bytes, base64url).")]
    try:
        secret = b64url_decode(auth)
    except ValueError:
        secret = b""
    if len(secret) != 16:  # RFC 8291: a 16-byte authentication secret
        errors["keys.auth"] = [_("The auth secret must be 16 bytes, base64url.")]
    return errors


def _check_endpoint(endpoint: str) -> dict[str, list[str]]:
    try:
        if len(endpoint) > ENDPOINT_MAX:
            raise ValidationError("too long")
        URLValidator(schemes=["https", "http"])(endpoint)
    except ValidationError:
        return {"endpoint": [_("The endpoint must be the push service's http or https address.")]}
    return {}


def _check_policy(policy: str) -> dict[str, list[str]]:
    if policy not in Policy.values:
        return {"policy": [_("The policy is all, followed, follower or none.")]}
    return {}


@transaction.atomic
def subscription_create(
    *,
    actor: Actor,
    access_token: AccessToken,
    endpoint: str,
    p256dh: str,
    auth: str,
    alerts: Mapping[str, bool],
    policy: str = Policy.ALL,
) -> PushSubscription:
    """Subscribe the app of ``access_token`` to ``actor``'s notifications: the one it had is replaced (Mastodon's
    create). ``alerts`` says which types it wants (Mastodon's, false when not sent; Essaim's own, true when not
    sent: apps do not know them). Refused with a message for a bad endpoint, keys or policy."""
    access.require(actor, Action.CHOOSE_NOTIFICATIONS)
    errors = _check_endpoint(endpoint) | _check_keys(p256dh, auth) | _check_policy(policy)
    if errors:
        raise ValidationError(errors)
    PushSubscription.objects.filter(access_token=access_token).delete()
    subscription = PushSubscription(
        access_token=access_token,
        user_id=actor.pk,
        endpoint=endpoint,
        key_p256dh=b64url(b64url_decode(p256dh)),  # base64url whichever base64 the app sent (Mastodon.py: plain)
        key_auth=b64url(b64url_decode(auth)),
        alerts=alert_types.complete(alerts),
        policy=policy,
    )
    subscription.save()
    return subscription


@transaction.atomic
def subscription_update(
    *, actor: Actor, subscription: PushSubscription, alerts: Mapping[str, bool], policy: str | None = None
) -> PushSubscription:
    """Change which types the app wants, and from whom (Mastodon's update: the alerts sent replace the
    Mastodon ones; Essaim's own keep their value unless sent)."""
    access.require(actor, Action.CHOOSE_NOTIFICATIONS)
    if subscription.user_id != actor.pk:  # found by the actor's own token: never someone else's
        raise PermissionDenied
    errors = _check_policy(policy) if policy is not None else {}
    if errors:
        raise ValidationError(errors)
    subscription.alerts = alert_types.complete(alerts, previous=subscription.alerts)
    if policy is not None:
        subscription.policy = policy
    subscription.updated_at = timezone.now()
    subscription.save(update_fields=["alerts", "policy", "updated_at"])
    return subscription


def subscription_delete(*, actor: Actor, subscription: PushSubscription) -> None:
    """Stop pushing to the app (Mastodon's destroy)."""
    access.require(actor, Action.CHOOSE_NOTIFICATIONS)
    PushSubscription.objects.filter(pk=subscription.pk, user_id=actor.pk).delete()


def subscription_forget(*, subscription_id: int) -> int:
    """Delete a subscription its push service says is gone (404, 410): the system's, no actor."""
    return PushSubscription.objects.filter(pk=subscription_id).delete()[0]


def push_on_commit(notifications: Sequence[Notification]) -> None:
    """Once this transaction commits, send the pushes owed for ``notifications`` (those really written: a rerun's
    duplicates, ignored by the insert, are not pushed again), to the recipients who have a subscription."""
    if not notifications:
        return
    recipients = {n.recipient_id for n in notifications}
    subscribed = set(
        PushSubscription.objects.filter(user_id__in=recipients).values_list("user_id", flat=True).distinct()
    )
    candidates = [n.pk for n in notifications if n.recipient_id in subscribed]
    if not candidates:
        return
    written = list(Notification.objects.filter(pk__in=candidates).values_list("pk", flat=True))
    from essaim.webpush import tasks  # the task imports what reads notifications, which import this module

    def enqueue() -> None:
        for pk in written:
            tasks.send_push.enqueue(notification_id=pk)

    transaction.on_commit(enqueue)
