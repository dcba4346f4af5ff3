"""Reading the text of attached documents: queued by the consumer, read by a task, stored, announced.

``documents_queue`` gives a post's (or a comment's) files a ``pending`` row; ``document_extract`` reads
one file in the sandbox (``sandbox.run``: a child process with memory, CPU and wall-time limits),
stores what it got — the text, or why there is none — and emits ``DocumentTextExtracted`` for a text
stored. Both are idempotent: a row already read is not read again unless ``force``.
A file that is skipped or fails is logged and recorded; it never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from essaim.documents import extract, sandbox
from essaim.documents.models import MAX_CHARS, DocumentText
from essaim.events import emit
from essaim.events.types import DocumentTextExtracted
from essaim.stream.models import Attachment

logger = logging.getLogger(__name__)

Status = DocumentText.Status


def limits() -> extract.Limits:
    """The caps (docs/documents.md), the file size one following ``DOCUMENTS_MAX_BYTES``."""
    return extract.Limits(
        max_bytes=int(getattr(settings, "DOCUMENTS_MAX_BYTES", 20 * 1024 * 1024)),
        max_chars=MAX_CHARS,
        max_pages=int(getattr(settings, "DOCUMENTS_MAX_PAGES", 300)),
        max_sheets=int(getattr(settings, "DOCUMENTS_MAX_SHEETS", 3)),
    )


def confinement() -> sandbox.Confinement:
    return sandbox.Confinement(
        timeout_s=float(getattr(settings, "DOCUMENTS_TIMEOUT_S", 60.0)),
        cpu_s=int(getattr(settings, "DOCUMENTS_CPU_S", 20)),
        memory_bytes=int(getattr(settings, "DOCUMENTS_MEMORY_MB", 512)) * 1024 * 1024,
    )


def documents_queue(*, post_id: int, comment_id: int | None = None) -> list[int]:
    """The files of a post (its own: ``comment_id`` None) or of one of its comments that are not images
    each get a ``pending`` row if they have none; the ids of those still pending, to read."""
    files = Attachment.objects.filter(post_id=post_id, is_image=False)
    files = files.filter(comment_id=comment_id) if comment_id is not None else files.filter(comment__isnull=True)
    return _queue(list(files.values_list("pk", flat=True)))


def documents_queue_all(*, retry: bool = False) -> list[int]:
    """Every published file without a row gets one (existing data, ``manage.py documents_extract``);
    the ids pending (``retry``: the failed ones again too)."""
    missing = Attachment.objects.filter(post__isnull=False, is_image=False, document_text__isnull=True)
    _queue(list(missing.values_list("pk", flat=True)))
    wanted = [Status.PENDING, Status.FAILED] if retry else [Status.PENDING]
    rows = DocumentText.objects.filter(status__in=wanted).order_by("attachment_id")
    return list(rows.values_list("attachment_id", flat=True))


def _queue(ids: list[int]) -> list[int]:
    if not ids:
        return []
    DocumentText.objects.bulk_create([DocumentText(attachment_id=pk) for pk in ids], ignore_conflicts=True)
    pending = DocumentText.objects.filter(attachment_id__in=ids, status=Status.PENDING)
    return list(pending.values_list("attachment_id", flat=True))


def document_extract(*, attachment_id: int, force: bool = False) -> DocumentText | None:
    """Read one published file's text and store it; ``None`` when the file is gone (or not published).

    Idempotent: a row already read is returned as it is unless ``force``. The reading happens outside
    any transaction (seconds, in a child process); the row is then updated only if it still exists:
    a file deleted meanwhile leaves nothing behind.
    """
    attachment = Attachment.objects.filter(pk=attachment_id, post__isnull=False).first()
    if attachment is None:
        return None
    row = DocumentText.objects.filter(attachment_id=attachment_id).first()
    if row is not None and row.status != Status.PENDING and not force:
        return row
    if row is None:  # a task or a command before the consumer: the row first, then the slow read
        _queue([attachment_id])
    result = _read(attachment)
    values = {
        "status": result.status.value,
        "reason": result.reason.value,
        "detail": result.detail[:300],
        "text": result.text[:MAX_CHARS],
        "truncated": result.truncated,
        "extracted_at": timezone.now(),
    }
    if result.status != extract.Status.DONE:
        logger.warning(
            "Document %s (%s) %s: %s %s",
            attachment_id,
            attachment.original_name,
            result.status,
            result.reason,
            result.detail,
        )
    with transaction.atomic():
        if not DocumentText.objects.filter(attachment_id=attachment_id).update(**values):
            return None  # the file was deleted while it was read
        if result.status == extract.Status.DONE:
            emit(
                DocumentTextExtracted(
                    actor_id=None,
                    attachment_id=attachment_id,
                    post_id=attachment.post_id or 0,
                    comment_id=attachment.comment_id,
                )
            )
    return DocumentText.objects.filter(attachment_id=attachment_id).first()


def _read(attachment: Attachment) -> extract.Result:
    """The file's text, or why there is none: its format and size are checked before it is read at all."""
    fmt = extract.format_for(attachment.original_name, attachment.content_type)
    caps = limits()
    if fmt is None:
        return extract.Result(extract.Status.SKIPPED, reason=extract.Reason.UNSUPPORTED, detail=attachment.content_type)
    if attachment.size > caps.max_bytes:
        return extract.Result(
            extract.Status.SKIPPED, reason=extract.Reason.TOO_LARGE, detail=f"{attachment.size} bytes"
        )
    try:
        with attachment.file.open("rb") as stored:
            data = stored.read(caps.max_bytes + 1)
    except (OSError, ValueError) as exc:
        return extract.Result(extract.Status.FAILED, reason=extract.Reason.MISSING, detail=str(exc)[:300])
    return sandbox.run(data, fmt, caps, confinement())


def documents_extract(ids: Iterable[int], *, force: bool = False) -> dict[str, int]:
    """Read each file of ``ids`` now (the command); how many ended in each status."""
    counts: dict[str, int] = {}
    for pk in ids:
        row = document_extract(attachment_id=pk, force=force)
        status = row.status if row is not None else "gone"
        counts[status] = counts.get(status, 0) + 1
    return counts
