"""The archives kept in ``<data dir>/backups/``: making one, listing them, forgetting the oldest.

``manage.py backup``, the daily job (``jobs``) and the administration page (``views``, through a
background task) all make archives here; the newest ``BACKUP_KEEP`` are kept. Copy them off the
machine (docs/backups.md): a backup on the disk it protects is not a backup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.tasks import task

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.backups import archive

NAME = re.compile(r"^essaim-\d{8}-\d{6}\.tar\.gz$")


def directory() -> Path:
    path = Path(getattr(settings, "BACKUP_DIR", "") or settings.DATA_DIR / "backups")
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep() -> int:
    return int(getattr(settings, "BACKUP_KEEP", 7))


@dataclass(frozen=True)
class Backup:
    name: str
    path: Path
    size: int
    created_at: datetime


def backups() -> list[Backup]:
    """The whole archives kept, newest first (one being written is not listed)."""
    found = []
    for path in directory().iterdir():
        if NAME.match(path.name) and path.is_file():
            stat = path.stat()
            found.append(Backup(path.name, path, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC)))
    return sorted(found, key=lambda backup: backup.name, reverse=True)


def backup_make(*, into: Path | None = None) -> Path:
    """Write an archive of the site as it is now (``into`` a file, else the backups directory) and forget the
    archives beyond the newest ``BACKUP_KEEP``. No actor: the command, the job and the task call it."""
    destination = into or directory() / datetime.now(UTC).strftime("essaim-%Y%m%d-%H%M%S.tar.gz")
    archive.write(destination)
    if into is None:
        prune()
    return destination


def prune() -> list[str]:
    """Forget the archives beyond the newest ``BACKUP_KEEP``; the names forgotten."""
    old = backups()[keep() :]
    for backup in old:
        backup.path.unlink(missing_ok=True)
    return [backup.name for backup in old]


@task()
def backup_in_background() -> str:
    return backup_make().name


def backup_request(*, actor: Actor) -> None:
    """A network administrator asks for a backup now: the task worker makes it."""
    access.require(actor, Action.MANAGE_BACKUPS)
    with transaction.atomic():
        record(AuditAction.BACKUP_REQUESTED, actor=actor)
    backup_in_background.enqueue()


def backups_for(*, actor: Actor) -> list[Backup]:
    access.require(actor, Action.MANAGE_BACKUPS)
    return backups()


def backup_get_for(*, actor: Actor, name: str) -> Backup:
    """One archive by name, for a network administrator (404 for a name that is not a kept archive)."""
    access.require(actor, Action.MANAGE_BACKUPS)
    found = next((backup for backup in backups() if backup.name == name), None)
    if found is None:
        raise Http404
    return found


def backup_download_for(*, actor: Actor, name: str) -> Backup:
    """``backup_get_for``, recorded in the audit log: an archive holds every space, secret ones included."""
    backup = backup_get_for(actor=actor, name=name)
    with transaction.atomic():
        record(AuditAction.BACKUP_DOWNLOADED, actor=actor, label=backup.name, size=backup.size)
    return backup
