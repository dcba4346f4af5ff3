"""The directory's sync as a task, so that a long sync holds neither a request nor the workers' scheduler:
queued by "Sync now" (``services.directory_sync_request``, ``force``) and by the periodic job when it is due."""

from __future__ import annotations

from django.tasks import task

from essaim.ldap import services


@task()
def sync_directory(*, force: bool = False) -> None:
    services.directory_sync(force=force)
