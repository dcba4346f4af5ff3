"""Webhooks' writes: incoming hooks (create, regenerate, delete, and the post a request makes) and outgoing
endpoints (create, enable, delete, send a delivery again).

Managing checks ``access`` first (``MANAGE_WEBHOOKS`` on the space, ``MANAGE_NETWORK_WEBHOOKS`` for the network's
endpoints). A request to an incoming hook has no person behind it: its secret URL is its authority, and its post
is written by the hook's own account through ``stream.services.post_create``, so the stream's rules (may this
account post in this space?) decide as for anyone.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.charters import selectors as charters
from essaim.charters import services as charter_services
from essaim.core.ratelimits import take
from essaim.spaces.models import Membership, Space
from essaim.spaces.services.memberships import member_add
from essaim.stream.models import POST_MAX_CHARS, Post
from essaim.stream.services import post_create
from essaim.webhooks import incoming
from essaim.webhooks.models import Delivery, Endpoint, IncomingWebhook
from essaim.webhooks.payloads import EVENTS

TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the webhook a name: it is the author of its posts.")})
    if len(name) > 80:
        raise ValidationError({"name": _("At most 80 characters.")})
    return name


# --- incoming


@transaction.atomic
def incoming_webhook_create(*, actor: Actor, space: Space, name: str) -> tuple[IncomingWebhook, str]:
    """A new incoming hook for ``space``, with its own account (a member of the space); returns the hook and
    the token of its secret URL, which is never shown again (only its hash is kept)."""
    access.require(actor, Action.MANAGE_WEBHOOKS, space)
    name = _check_name(name)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    suffix = secrets.token_hex(6)
    account = User.objects.create_user(
        f"webhook-{suffix}@webhooks.invalid",
        password=None,
        first_name=name[:150],
        last_name="(webhook)",  # the name says what it is wherever an author is drawn
        kind=User.Kind.BOT,
        handle=User.objects.unique_handle(f"webhook-{suffix}"),
    )
    account.password = make_password(None)  # unusable: the account never signs in
    account.save(update_fields=["password"])
    member_add(space=space, user=account, role=Membership.Role.MEMBER, actor_id=actor.pk)
    hook = IncomingWebhook(space=space, name=name, account=account, token_hash=token_hash(token), created_by=actor)
    hook.save()
    return hook, token


@transaction.atomic
def incoming_webhook_regenerate(*, actor: Actor, hook: IncomingWebhook) -> str:
    """A new secret URL for ``hook``; the old one stops working at once."""
    access.require(actor, Action.EDIT, hook)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    IncomingWebhook.objects.filter(pk=hook.pk).update(token_hash=token_hash(token))
    return token


@transaction.atomic
def incoming_webhook_delete(*, actor: Actor, hook: IncomingWebhook) -> None:
    """Delete the hook; its account is deactivated (its posts stay, signed by the hook's name)."""
    access.require(actor, Action.DELETE, hook)
    User.objects.filter(pk=hook.account_id).update(is_active=False)
    Membership.objects.filter(user_id=hook.account_id).delete()
    hook.delete()


def incoming_webhook_post(
    *, token: str, body: bytes, content_type: str, headers: Mapping[str, str]
) -> tuple[IncomingWebhook, Post | None]:
    """The post a request to the hook of ``token`` makes (``None``: an event that asks for none, GitHub's ping).

    Raises ``IncomingWebhook.DoesNotExist`` for an unknown token, ``incoming.PayloadError`` for a request that
    says nothing postable, ``RateLimited`` past the hook's limit; nothing is written then. The post and the hook's
    counters are written in one transaction.
    """
    hook = IncomingWebhook.objects.select_related("account", "space").get(token_hash=token_hash(token))
    message = incoming.parse(body=body, content_type=content_type, headers=headers)
    if message is None:
        return hook, None
    take("webhook", hook.pk)
    text = message.text
    if len(text) > POST_MAX_CHARS:
        text = text[: POST_MAX_CHARS - 1] + "…"
    with transaction.atomic():
        pending = charters.space_pending_for(hook.account, hook.space_id)
        if pending is not None:  # the administrator who let the hook in answers for what it posts
            charter_services.charter_accept(actor=hook.account, charter=pending)
        post = post_create(actor=hook.account, body=text, space=hook.space)
        IncomingWebhook.objects.filter(pk=hook.pk).update(last_used_at=timezone.now(), post_count=F("post_count") + 1)
    return hook, post


# --- outgoing


def _check_events(events: Sequence[str]) -> list[str]:
    chosen = [event for event in EVENTS if event in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        raise ValidationError({"events": _("Choose at least one event among those listed.")})
    return chosen


def _check_url(url: str) -> str:
    url = url.strip()
    if not url.startswith(("https://", "http://")) or len(url) > 1000:
        raise ValidationError({"url": _("Enter the full address that receives the events, starting with https://.")})
    return url


def new_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` and 32 random bytes in base64."""
    import base64

    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@transaction.atomic
def endpoint_create(
    *, actor: Actor, space: Space | None, url: str, events: Sequence[str], description: str = ""
) -> Endpoint:
    """Subscribe ``url`` to ``events`` of ``space`` (``None``: the whole network's), owned by ``actor``."""
    if space is None:
        access.require(actor, Action.MANAGE_NETWORK_WEBHOOKS)
    else:
        access.require(actor, Action.MANAGE_WEBHOOKS, space)
    endpoint = Endpoint(
        space=space,
        owner=actor,
        url=_check_url(url),
        events=_check_events(events),
        description=description.strip()[:200],
        secret=new_secret(),
    )
    endpoint.full_clean(exclude=["space", "owner"])
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_set_active(*, actor: Actor, endpoint: Endpoint, active: bool) -> Endpoint:
    """Enable (the failures are forgotten) or disable an endpoint."""
    access.require(actor, Action.EDIT, endpoint)
    endpoint.is_active = active
    endpoint.failure_streak = 0
    endpoint.disabled_reason = "" if active else _("Disabled by %(name)s.") % {"name": actor.get_full_name()}
    endpoint.save(update_fields=["is_active", "failure_streak", "disabled_reason"])
    return endpoint


@transaction.atomic
def endpoint_delete(*, actor: Actor, endpoint: Endpoint) -> None:
    access.require(actor, Action.DELETE, endpoint)
    endpoint.delete()


@transaction.atomic
def delivery_resend(*, actor: Actor, delivery: Delivery) -> Delivery:
    """Send ``delivery`` again now (same ``webhook-id``: a receiver that got it already knows it)."""
    access.require(actor, Action.EDIT, delivery)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.PENDING, next_attempt_at=timezone.now(), attempts=0, claimed_by=""
    )
    from essaim.webhooks import tasks

    endpoint_id = delivery.endpoint_id
    transaction.on_commit(lambda: tasks.send_deliveries.enqueue(endpoint_id=endpoint_id))
    delivery.refresh_from_db()
    return delivery
