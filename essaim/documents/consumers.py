"""What documents do with the events of the network (``essaim.events``): read the text of new files.

Durable (the outbox): a file whose text was never read could never be found. The consumer only
queues (a ``pending`` row per file, idempotent) and hands each file to the task worker
(``tasks.extract_document``): reading takes up to seconds per file, in a child process, and must not
hold the outbox loop, which delivers timelines. A task lost with its worker leaves a ``pending`` row
that ``manage.py documents_extract`` reads.
"""

from __future__ import annotations

from essaim.documents import services, tasks
from essaim.events import consumer
from essaim.events.types import CommentCreated, PostCreated, PostEdited


@consumer(
    "documents.extract",
    on=[PostCreated, PostEdited, CommentCreated],
    durable=True,
    when=lambda event: event.with_documents,
)
def extract(event: PostCreated | PostEdited | CommentCreated) -> None:
    comment_id = event.comment_id if isinstance(event, CommentCreated) else None
    for attachment_id in services.documents_queue(post_id=event.post_id, comment_id=comment_id):
        tasks.extract_document.enqueue(attachment_id=attachment_id)
