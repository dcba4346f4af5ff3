"""Unsubscribing from the link of an e-mail: exactly the setting that sent it, nothing else."""

from __future__ import annotations

from django.db import transaction

from essaim.accounts.models import User
from essaim.emails import tokens
from essaim.notifications import selectors
from essaim.notifications import services as notifications
from essaim.notifications.models import Channel, Digest


@transaction.atomic
def unsubscribe(*, person: User, setting: tokens.Unsubscribe) -> None:
    """Turn off what ``setting`` names for ``person``: e-mails of one kind (they stay in the app), every
    notification e-mail, or the digest. Again changes nothing. ``person`` is the token's, checked by the
    caller; the policy (``CHOOSE_NOTIFICATIONS``) is asked by the services it calls."""
    if setting.setting == tokens.DIGEST:
        preferences = selectors.email_preferences_for(actor=person)
        notifications.email_preferences_update(
            actor=person, digest=Digest.NEVER, quiet_from=preferences.quiet_from, quiet_until=preferences.quiet_until
        )
        return
    channels = selectors.notification_choices_for(actor=person).channels
    kinds = [setting.kind] if setting.kind else list(channels)
    notifications.notification_settings_update(
        actor=person,
        channels={kind: Channel.APP for kind in kinds if channels[kind] == Channel.APP_AND_EMAIL},
    )
