"""The daily backup, on one worker (``core.schedule``): kept ``BACKUP_KEEP`` days (0: no daily backup)."""

from __future__ import annotations

from datetime import timedelta

from essaim.backups import services
from essaim.core.schedule import periodic


@periodic("backups.daily", every=timedelta(days=1), lease=timedelta(hours=2))
def daily_backup() -> None:
    if services.keep() > 0:
        services.backup_make()
