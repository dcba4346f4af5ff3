"""The text of attached files, as search indexes it: the one place it comes from.

Extraction (PDF, office documents, text files) is ``essaim.documents``' work, in background tasks; a
file is found by its name and kind at once, and by its text once ``DocumentTextExtracted`` says it is
stored (``consumers``: the file's row is written again).
"""

from __future__ import annotations

from collections.abc import Sequence

from essaim.documents.selectors import extracted_texts

KINDS = {
    "application/pdf": "pdf",
    "application/msword": "document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "document",
    "application/vnd.oasis.opendocument.text": "document",
    "application/rtf": "document",
    "application/vnd.ms-excel": "spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet": "spreadsheet",
    "text/csv": "spreadsheet",
    "application/vnd.ms-powerpoint": "presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "presentation",
    "application/vnd.oasis.opendocument.presentation": "presentation",
    "text/plain": "text",
    "text/markdown": "text",
    "application/zip": "archive",
    "application/gzip": "archive",
    "application/x-7z-compressed": "archive",
}


def file_kind(content_type: str, is_image: bool = False) -> str:
    """``pdf``, ``document``, ``spreadsheet``, ``presentation``, ``image``, ``text``, ``archive`` or ``other``."""
    if is_image or content_type.startswith("image/"):
        return "image"
    return KINDS.get(content_type.split(";", maxsplit=1)[0].strip().lower(), "other")


def file_text(attachment_ids: Sequence[int]) -> dict[int, str]:
    """The extracted text of each of these files that has one."""
    return extracted_texts(attachment_ids)
