"""Writes of the LDAP directory's settings (network administrators, ``Action.MANAGE_SSO``: like single
sign-on, it decides who signs in) and of its sync's state.

- ``directory_update``: the settings; an empty password keeps the stored one; audited with what changed.
- ``directory_sync_request``: "Sync now", queued as a task once the request commits; audited.
- ``directory_sync``: one sync (the periodic job's, or the task's) and its outcome on the directory: after a
  failure (the server down), the next attempt comes sooner than the next period, later at each failure in
  a row (``retry_delay``), never later than the period.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from essaim.access import Action, require
from essaim.access.roles import Actor
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.core.secrets import seal
from essaim.ldap import client, sync
from essaim.ldap.models import LdapDirectory

EDITABLE = (
    "enabled",
    "server_uri",
    "start_tls",
    "bind_dn",
    "user_base",
    "user_filter",
    "login_attribute",
    "group_base",
    "group_filter",
    "attributes",
    "sync_every_minutes",
    "deprovision",
)
FIRST_RETRY = timedelta(minutes=1)
SYNC_LEASE = timedelta(minutes=30)  # a sync that has not ended by then (its worker died) may start again


@transaction.atomic
def directory_update(*, actor: Actor, directory: LdapDirectory, password: str = "", **fields: Any) -> LdapDirectory:
    require(actor, Action.MANAGE_SSO)
    require(actor, Action.EDIT, directory)
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in EDITABLE:
            raise TypeError(f"{name} cannot be changed")
        if getattr(directory, name) != value:
            changes[name] = {"from": getattr(directory, name), "to": value}
            setattr(directory, name, value)
    if password:
        directory.bind_password_sealed = seal(password, purpose=client.PASSWORD_PURPOSE)
        changes["bind_password"] = "changed"  # noqa: S105 - the fact, never the value
    if changes:
        if "enabled" in changes or "sync_every_minutes" in changes:
            directory.next_sync_at = None  # due at once
        directory.full_clean()
        directory.save()
        record(AuditAction.LDAP_DIRECTORY_CHANGED, actor=actor, target=directory, changes=changes)
    return directory


@transaction.atomic
def directory_sync_request(*, actor: Actor, directory: LdapDirectory) -> None:
    from essaim.ldap import tasks

    require(actor, Action.MANAGE_SSO)
    require(actor, Action.EDIT, directory)
    record(AuditAction.LDAP_SYNC_REQUESTED, actor=actor, target=directory)
    transaction.on_commit(lambda: tasks.sync_directory.enqueue(force=True))


def retry_delay(directory: LdapDirectory) -> timedelta:
    """After ``failures`` failures in a row: 1, 2, 4, 8… minutes, at most the sync's period."""
    period = timedelta(minutes=max(directory.sync_every_minutes, 1))
    return min(FIRST_RETRY * 2 ** max(directory.failures - 1, 0), period)


def _claim(*, force: bool) -> LdapDirectory | None:
    """The enabled directory if its sync is due (or ``force``d) and no other worker runs it; it is then this
    caller's for ``SYNC_LEASE``."""
    now = timezone.now()
    due = LdapDirectory.objects.filter(pk=1, enabled=True)
    if not force:
        due = due.filter(Q(next_sync_at=None) | Q(next_sync_at__lte=now))
    if not due.update(next_sync_at=now + SYNC_LEASE):
        return None
    return LdapDirectory.objects.get(pk=1)


def directory_sync(*, force: bool = False) -> sync.Summary | None:
    """Sync the directory if it is enabled and due (``force``: "Sync now"); ``None`` when it was not run."""
    directory = _claim(force=force)
    if directory is None:
        return None
    try:
        summary = sync.run(directory=directory)
    except client.DirectoryError as error:
        summary = sync.Summary(error=error.code, params=error.params)
    now = timezone.now()
    directory.failures = directory.failures + 1 if summary.error else 0
    directory.next_sync_at = now + (
        retry_delay(directory) if summary.error else timedelta(minutes=max(directory.sync_every_minutes, 1))
    )
    directory.last_sync_at, directory.last_sync_ok = now, not summary.error
    directory.last_sync_summary = summary.as_dict()
    directory.save(update_fields=["failures", "next_sync_at", "last_sync_at", "last_sync_ok", "last_sync_summary"])
    return summary
