"""Sending one notification to the apps of its recipient that subscribed (Mastodon's Web::PushNotificationWorker).

For each subscription of the recipient: nothing during their quiet hours (the notification waits in the app, a
push hours later would only be noise), nothing about a post they may no longer read (``notifications.selectors``
asks ``access`` again), nothing of a type the app did not ask for (``alerts``) or from someone its ``policy``
leaves out. Otherwise Mastodon's payload (``access_token``, ``preferred_locale``, ``notification_id``,
``notification_type``, ``icon``, ``title``, ``body``), in the recipient's language, encrypted for the app alone
(RFC 8291, ``aes128gcm``: pywebpush), signed with the network's VAPID key (RFC 8292), POSTed to the push service
through the safe fetcher (``core.safe_fetch``: a push endpoint is an address an app chose, never one inside the
network unless an admin allows it).

The push service's answer: 2xx sent; 404 or 410 the subscription is gone (the app was uninstalled): deleted;
429, 5xx, a timeout or a connection that failed: tried again after ``RETRY_DELAYS``, at most ``MAX_ATTEMPTS``
times in all; any other answer (400, 401, 403, 413): given up, logged.
"""

from __future__ import annotations

import html
import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404
from django.tasks import default_task_backend
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from py_vapid import Vapid02
from pywebpush import WebPusher

from essaim.accounts.models import User
from essaim.core import safe_fetch
from essaim.core.markdown import render_markdown
from essaim.network import site
from essaim.notifications import selectors as notification_selectors
from essaim.notifications.models import EmailPreferences, Notification
from essaim.notifications.quiet_hours import is_quiet, local
from essaim.people import selectors as people_selectors
from essaim.webpush import alerts, keys, services
from essaim.webpush.models import PushSubscription

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_DELAYS = (30, 120, 600, 3600)  # seconds before attempts 2, 3, 4, 5
TTL = 48 * 3600  # how long the push service keeps it for a phone that is off (Mastodon's)
VAPID_LIFETIME = 12 * 3600
BODY_CHARS = 140
LIMITS = safe_fetch.Limits(max_bytes=16 * 1024, timeout=10.0, connect_timeout=5.0, max_redirects=0)
GONE = frozenset({404, 410})
Policy = PushSubscription.Policy


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # not wanted: alerts, policy, quiet hours, a post no longer readable
    GONE = "gone"  # deleted: the push service no longer knows it
    RETRY = "retry"  # tried again later
    FAILED = "failed"  # given up


@dataclass(frozen=True)
class Result:
    subscription_id: int
    outcome: Outcome
    status: int | None = None


def quiet_now(person: User) -> bool:
    """Whether it is now within ``person``'s quiet hours, on their clock."""
    preferences = EmailPreferences.objects.filter(user_id=person.pk).first()
    if preferences is None or preferences.quiet_from is None:
        return False
    clock = local(timezone.now(), person.timezone).time()
    return is_quiet(clock, preferences.quiet_from, preferences.quiet_until)


def from_allowed(subscription: PushSubscription, notification: Notification) -> bool:
    """Whether ``subscription``'s policy lets a notification from ``notification.actor`` through (one with no
    actor, the network's own, goes through unless the policy is ``none``)."""
    policy = subscription.policy
    if policy == Policy.NONE:
        return False
    actor = notification.actor
    if policy == Policy.ALL or actor is None:
        return True
    recipient = notification.recipient
    if policy == Policy.FOLLOWED:
        return people_selectors.is_following(actor=recipient, user=actor)
    return people_selectors.is_following(actor=actor, user=recipient)  # follower


def _title(notification: Notification) -> str:
    sentence = " ".join(render_to_string("emails/includes/sentence.txt", {"n": notification}).split())
    return sentence or _("New notification on %(network)s") % {"network": site.network_name()}


def _body(notification: Notification) -> str:
    text = (
        notification.comment.excerpt if notification.comment else notification.post.excerpt if notification.post else ""
    )
    text = " ".join(html.unescape(strip_tags(render_markdown(text))).split())  # what it says, not its markup
    return text if len(text) <= BODY_CHARS else text[: BODY_CHARS - 1].rstrip() + "…"


def _icon(notification: Notification) -> str:
    profile = getattr(notification.actor, "profile", None) if notification.actor else None
    if profile is not None and profile.photo:
        return site.absolute_url(profile.photo.url)
    return site.absolute_url(static("api/missing-avatar.png"))


def payload(subscription: PushSubscription, notification: Notification) -> dict[str, Any]:
    """Mastodon's push payload (Web::NotificationSerializer), in the recipient's language."""
    language = notification.recipient.language or settings.LANGUAGE_CODE
    with translation.override(language):
        return {
            "access_token": subscription.access_token.token,
            "preferred_locale": language,
            "notification_id": notification.pk,
            "notification_type": alerts.notification_type(notification.kind),
            "icon": _icon(notification),
            "title": _title(notification),
            "body": _body(notification),
        }


def request_for(
    subscription: PushSubscription, data: dict[str, Any], signer: Vapid02 | None = None
) -> tuple[dict[str, str], bytes]:
    """The headers and encrypted body of one push (RFC 8291 ``aes128gcm``, RFC 8292 VAPID)."""
    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.key_p256dh, "auth": subscription.key_auth},
    }
    plain = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    body = WebPusher(info).encode(plain, "aes128gcm")["body"]
    parts = urlsplit(subscription.endpoint)
    claims = {
        "sub": keys.subject(),
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(time.time()) + VAPID_LIFETIME,
    }
    headers = {
        **(signer or keys.signer()).sign(claims),
        "Content-Type": "application/octet-stream",
        "Content-Encoding": "aes128gcm",
        "TTL": str(TTL),
        "Urgency": "normal",
    }
    return headers, body


def post(subscription: PushSubscription, data: dict[str, Any], signer: Vapid02 | None = None) -> tuple[int | None, str]:
    """One push; its status, or None and the safe fetcher's error code."""
    headers, body = request_for(subscription, data, signer)
    try:
        answer = safe_fetch.fetch(
            subscription.endpoint, method="POST", headers=headers, body=body, limits=LIMITS, follow_redirects=False
        )
    except safe_fetch.FetchError as exc:
        return None, exc.code
    return answer.status, ""


RETRYABLE_ERRORS = frozenset({"connection", "timeout", "dns", "tls"})


def judge(status: int | None, error: str) -> Outcome:
    """What an answer means for the subscription (before the bound on attempts)."""
    if status is not None and 200 <= status < 300:
        return Outcome.SENT
    if status in GONE:
        return Outcome.GONE
    if status is not None and (status == 429 or status >= 500):
        return Outcome.RETRY
    if status is None and error in RETRYABLE_ERRORS:
        return Outcome.RETRY
    return Outcome.FAILED


def deliver(*, notification_id: int, subscription_id: int | None = None, attempt: int = 1) -> list[Result]:
    """Push notification ``notification_id`` to its recipient's subscriptions (only ``subscription_id``, for a
    retry); what happened to each. Retries are enqueued here (``tasks.send_push``)."""
    found = Notification.objects.select_related("recipient", "actor__profile").filter(pk=notification_id).first()
    if found is None or not found.recipient.is_active:
        return []
    recipient = found.recipient
    subscriptions = PushSubscription.objects.select_related("access_token").filter(user_id=recipient.pk)
    if subscription_id is not None:
        subscriptions = subscriptions.filter(pk=subscription_id)
    subscriptions_list = list(subscriptions)
    if not subscriptions_list:
        return []
    if quiet_now(recipient):
        return [Result(s.pk, Outcome.SKIPPED) for s in subscriptions_list]
    try:  # asked again: the recipient may still read what it is about (a post hidden since is not pushed)
        notification = notification_selectors.notification_get_for(actor=recipient, notification_id=notification_id)
    except Http404:
        return [Result(s.pk, Outcome.SKIPPED) for s in subscriptions_list]
    signer = keys.signer()  # read and unsealed once for all of them
    return [_deliver_one(s, notification, attempt, signer) for s in subscriptions_list]


def _deliver_one(subscription: PushSubscription, notification: Notification, attempt: int, signer: Vapid02) -> Result:
    if not alerts.wants(subscription.alerts, notification.kind) or not from_allowed(subscription, notification):
        return Result(subscription.pk, Outcome.SKIPPED)
    status, error = post(subscription, payload(subscription, notification), signer)
    outcome = judge(status, error)
    if outcome == Outcome.GONE:
        services.subscription_forget(subscription_id=subscription.pk)
    elif outcome == Outcome.RETRY:
        if attempt >= MAX_ATTEMPTS:
            outcome = Outcome.FAILED
        else:
            _retry(notification.pk, subscription.pk, attempt)
    if outcome == Outcome.FAILED:
        logger.warning(
            "Web Push: gave up notification %s to subscription %s (attempt %s): %s",
            notification.pk,
            subscription.pk,
            attempt,
            status or error,
        )
    return Result(subscription.pk, outcome, status)


def _retry(notification_id: int, subscription_id: int, attempt: int) -> None:
    """Try again after the attempt's delay where the task backend can wait (the database worker, RQ), at once
    where it cannot (the tests' immediate backend)."""
    from essaim.webpush.tasks import send_push  # the task runs this module

    task = send_push
    if default_task_backend.supports_defer:
        delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    task.enqueue(notification_id=notification_id, subscription_id=subscription_id, attempt=attempt + 1)
