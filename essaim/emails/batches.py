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
from collections import defaultdict
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
CHUNK = 200  # people whose notifications are read in one query


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
    people = [p for p in User.objects.filter(pk__in=due).order_by("pk") if not quiet_now(p, preferences.get(p.pk), now)]
    sent = 0
    with mailers.default as connection:  # one connection to the mail server for the whole run
        for start in range(0, len(people), CHUNK):
            sent += _send_chunk(people[start : start + CHUNK], connection, now=now)
    return sent


def _send_chunk(people: list[User], connection: BaseEmailBackend, *, now: datetime) -> int:
    """Read the chunk's waiting notifications in one query, then for each person claim theirs, send them one
    e-mail and delete the rows once the mail server has it. A run killed mid-chunk leaves the people after the
    one in flight unclaimed: the next run sends theirs."""
    waiting = PendingEmail.objects.filter(recipient_id__in=[p.pk for p in people], claimed_at=None)
    owed: dict[int, list[int]] = defaultdict(list)
    for notification_id, recipient_id in waiting.values_list("notification_id", "recipient_id"):
        owed[recipient_id].append(notification_id)
    told = selectors.notifications_to_email(
        recipients=[p for p in people if p.is_active], ids=[pk for ids in owed.values() for pk in ids]
    )
    sent = 0
    for person in people:
        if person.pk not in owed:
            continue
        mine = PendingEmail.objects.filter(notification_id__in=owed[person.pk])
        if not mine.filter(claimed_at=None).update(claimed_at=now):
            continue  # another run took them
        notifications = told.get(person.pk)
        if notifications:
            try:
                connection.send_messages([compose.notifications_email(person, notifications)])
            except smtplib.SMTPRecipientsRefused:
                logger.warning("E-mail: the mail server refused %s's address; it stays in the app", person.pk)
            except Exception:
                mine.update(claimed_at=None)  # the server is down: theirs and the rest of the chunk next run
                raise
            else:
                sent += 1
        mine.delete()
    return sent
