"""The directory's periodic sync (``core.schedule``): every minute one worker asks whether it is due
(``LdapDirectory.next_sync_at``: the period after a success, sooner after a failure), and runs it if so."""

from __future__ import annotations

from datetime import timedelta

from essaim.core.schedule import periodic
from essaim.ldap import services


@periodic("ldap.sync", every=timedelta(minutes=1), lease=timedelta(minutes=30))
def sync_when_due() -> None:
    services.directory_sync()
