"""The search index: one row per searchable thing (a post, a comment, a file), kept by ``indexing``.

The row holds what filters and ranks (who wrote it, where, when, files) and, for SQLite, the words
FTS5 indexes (``*_terms``, pre-stemmed: ``search.text``); the FTS5 table ``search_fts`` reads them as
its external content, kept equal by triggers (migration 0001). On PostgreSQL the ``*_terms`` stay
empty and a ``vector`` column (``tsvector``, GIN index, added by the same migration) holds the words.
Who may see a row is never stored: each search asks ``access`` about its post when it runs, so a
space made secret, a post hidden, a reader who left a space are right at once. Rows go with their
post, comment or file (foreign keys, cascades): deleting a person deletes what they wrote and its rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    POST = "post", _("Post")
    COMMENT = "comment", _("Comment")
    FILE = "file", _("File")


class SearchDocument(models.Model):
    kind = models.CharField(max_length=8, choices=DocumentKind)
    post = models.ForeignKey("stream.Post", on_delete=models.CASCADE, related_name="+", db_index=False)
    comment = models.ForeignKey(
        "stream.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    attachment = models.ForeignKey(
        "stream.Attachment", on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    space_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    language = models.CharField(max_length=2, default="fr")
    has_file = models.BooleanField(default=False)
    file_kind = models.CharField(max_length=12, blank=True, default="")
    title_terms = models.TextField(blank=True, default="")
    body_terms = models.TextField(blank=True, default="")
    alt_terms = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [
            # A post's rows, replaced when it changes; its cascade.
            models.Index(fields=["post", "kind"], name="searchdoc_post"),
            models.Index(fields=["comment"], condition=models.Q(comment__isnull=False), name="searchdoc_comment"),
            models.Index(
                fields=["attachment"], condition=models.Q(attachment__isnull=False), name="searchdoc_attachment"
            ),
            # ``from:``, the experts' evidence, and a person's cascade.
            models.Index(fields=["author", "created_at"], name="searchdoc_author"),
            # Sorting by date, and filtering by date alone.
            models.Index(fields=["created_at", "id"], name="searchdoc_date"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.comment_id or self.attachment_id or self.post_id}"
