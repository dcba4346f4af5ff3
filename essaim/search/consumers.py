"""The index follows the stream: a durable consumer (``events.pipeline``), so that a post written while
the worker was down is indexed when it comes back, and one that failed is tried again."""

from __future__ import annotations

from typing import Any

from essaim.events.pipeline import consumer
from essaim.events.types import (
    CommentCreated,
    CommentEdited,
    DocumentTextExtracted,
    PostCreated,
    PostDeleted,
    PostEdited,
)
from essaim.search import indexing


@consumer("search.index", on=[PostCreated, PostEdited, PostDeleted, CommentCreated, CommentEdited], durable=True)
def index(event: Any) -> None:
    """Rewrite the rows of what the event is about. Deletions cascade in the database (the rows go with
    their post or comment, in the same transaction); ``PostDeleted`` only makes sure. Hiding changes who
    may see a post, which is asked at each search: nothing to index."""
    if isinstance(event, CommentCreated | CommentEdited):
        indexing.sync_comment(event.comment_id)
    else:
        indexing.sync_post(event.post_id)


@consumer("search.documents", on=[DocumentTextExtracted], durable=True)
def index_document(event: DocumentTextExtracted) -> None:
    """A file's text was read (``essaim.documents``): its row is written again, with the text."""
    indexing.sync_attachment(event.attachment_id)
