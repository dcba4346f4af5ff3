"""The directory's sync as a task: what "Sync now" queues (``services.directory_sync_request``)."""

from __future__ import annotations

from django.tasks import task

from essaim.ldap import services


@task()
def sync_directory() -> None:
    services.directory_sync(force=True)
