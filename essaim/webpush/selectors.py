"""Reads of Web Push: an app's subscription."""

from __future__ import annotations

from oauth2_provider.models import AccessToken

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.webpush.models import PushSubscription


def subscription_for(*, actor: Actor, access_token: AccessToken) -> PushSubscription | None:
    """The subscription of ``actor``'s app token ``access_token``, if it has one."""
    access.require(actor, Action.CHOOSE_NOTIFICATIONS)
    return PushSubscription.objects.filter(access_token=access_token, user_id=actor.pk).first()
