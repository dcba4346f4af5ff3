"""Notification e-mails, batched: a person's notifications of a few minutes go out as one e-mail.

``notifications.services.notify`` writes a ``PendingEmail`` beside each notification whose recipient
wants that kind by e-mail. This periodic job (``jobs``) sends, for each person whose oldest pending
one is ``EMAIL_BATCH_S`` old, one e-mail with all of theirs: a mention followed two minutes later by
a reply makes one e-mail, not two. What is not sent, and why:

- a notification read in the app meanwhile, or about a post its recipient may no longer see
  (``access``, asked now: hidden, moved, or they left the space) — dropped;
- anything during the person's quiet hours (their time zone) — it waits for their end;
- anything for a deactivated account — dropped.

Never twice: a person's rows are claimed (``claimed_at``) before their e-mail is handed to the mail
server and deleted after; a server that refuses it gives the rows back for the next run. A worker
killed between the two leaves claimed rows, which are not sent again (the notification is still in
the app) and are forgotten after ``FORGET_CLAIMED``.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Min
from django.utils import timezone

from essaim.accounts.models import User
from essaim.emails import compose
from essaim.notifications import selectors
from essaim.notifications.models import EmailPreferences, PendingEmail
from essaim.notifications.quiet_hours import is_quiet, local

logger = logging.getLogger(__name__)

FORGET_CLAIMED = timedelta(hours=1)
PEOPLE_PER_RUN = 2000  # the rest wait for the next run (every 30 s): a run stays short


def batch_window() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "EMAIL_BATCH_S", 180)))


def quiet_now(person: User, preferences: EmailPreferences | None, now: datetime) -> bool:
    """Whether ``now`` falls in ``person``'s quiet hours (on their clock)."""
    if preferences is None or preferences.quiet_from is None:
        return False
    return is_quiet(local(now, person.timezone).time(), preferences.quiet_from, preferences.quiet_until)


def send_due(*, now: datetime | None = None) -> int:
    """Send the e-mails that are due; returns how many were sent."""
    now = now or timezone.now()
    PendingEmail.objects.filter(claimed_at__lt=now - FORGET_CLAIMED).delete()
    waiting = PendingEmail.objects.filter(claimed_at=None).values("recipient_id").annotate(first=Min("created_at"))
    due = list(waiting.filter(first__lte=now - batch_window()).values_list("recipient_id", flat=True)[:PEOPLE_PER_RUN])
    if not due:
        return 0
    preferences = {p.user_id: p for p in EmailPreferences.objects.filter(user_id__in=due)}
    sent = 0
    connection = mailers.default
    with connection:  # one connection to the mail server for the whole run
        for person in User.objects.filter(pk__in=due).order_by("pk"):
            if not quiet_now(person, preferences.get(person.pk), now):
                sent += _send_to(person, connection, now=now)
    return sent


def _send_to(person: User, connection: BaseEmailBackend, *, now: datetime) -> int:
    rows = PendingEmail.objects.filter(recipient_id=person.pk, claimed_at=None)
    ids = list(rows.values_list("notification_id", flat=True))
    claimed = PendingEmail.objects.filter(notification_id__in=ids, claimed_at=None).update(claimed_at=now)
    mine = PendingEmail.objects.filter(notification_id__in=ids, claimed_at=now)
    if claimed != len(ids):  # another worker's run took some of them: it sends those
        ids = list(mine.values_list("notification_id", flat=True))
    notifications = selectors.notifications_to_email(recipient=person, ids=ids) if person.is_active else []
    if not notifications:
        mine.delete()
        return 0
    try:
        connection.send_messages([compose.notifications_email(person, notifications)])
    except smtplib.SMTPRecipientsRefused:
        logger.warning("E-mail: the mail server refused %s's address; their notifications stay in the app", person.pk)
        mine.delete()
        return 0
    except Exception:
        mine.update(claimed_at=None)  # the server is down or refused: next run
        raise
    mine.delete()
    return 1
