"""Attached files are read after their post is out (``essaim.documents``): their text meets the watch rules then,
through a durable consumer, so a file read while the worker was down is screened when it comes back."""

from __future__ import annotations

from essaim.events.pipeline import consumer
from essaim.events.types import DocumentTextExtracted
from essaim.watchrules import services


@consumer("watchrules.documents", on=[DocumentTextExtracted], durable=True)
def screen_document(event: DocumentTextExtracted) -> None:
    services.attachment_screen(attachment_id=event.attachment_id, post_id=event.post_id, comment_id=event.comment_id)
