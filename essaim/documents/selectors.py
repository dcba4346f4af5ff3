"""Reading extracted texts: for search (``essaim.search``), which checks who may see each post, and for the watch
rules (``essaim.watchrules``), which show compliance an excerpt of what matched.

A text carries no permission of its own: it is the post's (or its comment's) file's, and search shows
a snippet of it only to who may see that post (docs/documents.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from essaim.documents.models import DocumentText

BATCH = 500


def extracted_texts(attachment_ids: Iterable[int]) -> dict[int, str]:
    """``{attachment id: text}`` for those of ``attachment_ids`` whose text was read (not empty)."""
    ids = list(dict.fromkeys(attachment_ids))
    texts: dict[int, str] = {}
    for start in range(0, len(ids), BATCH):
        rows = DocumentText.objects.filter(
            attachment_id__in=ids[start : start + BATCH], status=DocumentText.Status.DONE
        ).exclude(text="")
        texts.update(rows.values_list("attachment_id", "text"))
    return texts


def extracted_attachment_ids(*, batch: int = BATCH) -> Iterator[list[int]]:
    """The ids of every file whose text was read, in batches, by id (a search rebuild's walk)."""
    last = 0
    while True:
        rows = DocumentText.objects.filter(status=DocumentText.Status.DONE, attachment_id__gt=last).exclude(text="")
        ids = list(rows.order_by("attachment_id").values_list("attachment_id", flat=True)[:batch])
        if not ids:
            return
        yield ids
        last = ids[-1]
