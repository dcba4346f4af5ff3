"""The text extracted from a post's or a comment's attached document, for search (``essaim.search``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from essaim.stream.models import Attachment

MAX_CHARS = 200_000


class DocumentText(models.Model):
    """One attachment's text: ``pending`` until the worker reads it, then ``done`` (``text`` set, at most
    ``MAX_CHARS``, ``truncated`` when the document had more), ``skipped`` (not read: unsupported,
    too large, encrypted, a bomb) or ``failed`` (broken, too slow, too big in memory), with ``reason``.

    Its key is the attachment's: deleting the file, its comment or its post deletes the text.
    Search reads it, and shows it only to who may see the post (docs/documents.md); so do the watch rules,
    which show compliance an excerpt of what matched (docs/governance.md).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")
        SKIPPED = "skipped", _("skipped")
        FAILED = "failed", _("failed")

    class Reason(models.TextChoices):
        NONE = "", _("none")
        UNSUPPORTED = "unsupported", _("not a document Essaim reads")
        TOO_LARGE = "too_large", _("too large")
        ENCRYPTED = "encrypted", _("encrypted")
        ZIP_BOMB = "zip_bomb", _("inflates too much (zip bomb)")
        UNSAFE_XML = "unsafe_xml", _("unsafe XML (entities)")
        BROKEN = "broken", _("damaged")
        MISSING = "missing", _("file missing")
        TIMEOUT = "timeout", _("took too long")
        MEMORY = "memory", _("needed too much memory")
        CRASHED = "crashed", _("the reader crashed")

    attachment = models.OneToOneField(
        Attachment, on_delete=models.CASCADE, primary_key=True, related_name="document_text"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    reason = models.CharField(max_length=20, choices=Reason, blank=True, default=Reason.NONE)
    detail = models.CharField(max_length=300, blank=True, default="")
    text = models.TextField(blank=True, default="")
    truncated = models.BooleanField(default=False)
    extracted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document text")
        verbose_name_plural = _("document texts")
        indexes = [
            # The worker's and the command's question: what is still to read (few rows).
            models.Index(fields=["status"], condition=Q(status="pending"), name="documenttext_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.attachment_id}: {self.status}"
