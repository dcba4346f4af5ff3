"""The task worker reads documents one by one, beside the outbox loop (which only queues them)."""

from __future__ import annotations

from django.tasks import task

from essaim.documents import services


@task()
def extract_document(attachment_id: int) -> str:
    """Read one file's text (``services.document_extract``); its status, or ``gone``."""
    row = services.document_extract(attachment_id=attachment_id)
    return row.status if row is not None else "gone"
