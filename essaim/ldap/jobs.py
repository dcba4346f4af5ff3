"""The directory's periodic sync (``core.schedule``): every minute one worker asks whether it is due
(``LdapDirectory.next_sync_at``: the period after a success, sooner after a failure) and, if so, queues it as a
task (``tasks.sync_directory``): a sync of thousands of people does not hold the scheduler's other jobs. The
task claims the sync before it runs it (``services.directory_sync``), so a task queued twice syncs once."""

from __future__ import annotations

from datetime import timedelta

from essaim.core.schedule import periodic
from essaim.ldap import selectors, tasks


@periodic("ldap.sync", every=timedelta(minutes=1))
def queue_sync_when_due() -> bool:
    if not selectors.directory_sync_due():
        return False
    tasks.sync_directory.enqueue(force=False)
    return True
