"""The e-mail jobs the workers' scheduler runs (``core.schedule``): batched notification e-mails and digests."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from essaim.core.schedule import periodic
from essaim.emails import batches, digests


@periodic(
    "emails.notifications", every=timedelta(seconds=float(settings.EMAIL_SEND_EVERY_S)), lease=timedelta(minutes=5)
)
def notification_emails() -> None:
    batches.send_due()


@periodic("emails.digests", every=timedelta(minutes=15), lease=timedelta(minutes=10))
def digest_emails() -> None:
    digests.send_due()
