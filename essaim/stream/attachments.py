"""Files attached to posts: images are re-encoded (EXIF stripped) with a thumbnail; other files
are kept as they are, size-capped, and always downloaded (never rendered) by the browser.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import PurePath

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename

from essaim.accounts.models import User
from essaim.core.uploads import check_size, clean_image
from essaim.stream.models import Attachment, Post, attachment_storage

IMAGE_MAX_SIDE = 2048
THUMBNAIL_MAX_SIDE = 480
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}


def _looks_like_image(upload: UploadedFile, name: str) -> bool:
    return (upload.content_type or "") in IMAGE_TYPES or PurePath(name).suffix.lower() in IMAGE_EXTENSIONS


def _safe_name(name: str) -> str:
    base = PurePath(name or "file").name
    try:
        cleaned = get_valid_filename(base)
    except SuspiciousFileOperation:  # names like ".."
        cleaned = "file"
    return cleaned[-120:] or "file"


def attach(*, post: Post | None, upload: UploadedFile, uploaded_by: User, alt_text: str = "") -> Attachment:
    """Store one upload on ``post`` (or pending, when ``post`` is None). Raises ``ValidationError``.

    ``alt_text`` describes an image for people who cannot see it; files ignore it.
    """
    attachment = prepare(upload=upload, uploaded_by=uploaded_by, alt_text=alt_text)
    attachment.post = post
    attachment.save(force_insert=True)
    return attachment


def prepare(*, upload: UploadedFile, uploaded_by: User, alt_text: str = "") -> Attachment:
    """One upload checked, re-encoded if it is an image, and its files stored: the attachment,
    not yet saved, for a post to take (``save``); ``discard`` removes its files if none does.

    The slow part of attaching (decoding and re-encoding an image), done before the post's
    transaction so that SQLite's one write lock is never held while an image is processed.
    Raises ``ValidationError`` with nothing stored.
    """
    original = PurePath(upload.name or "file").name[:255] or "file"
    attachment = Attachment(uploaded_by=uploaded_by, original_name=original)
    if _looks_like_image(upload, original):
        try:
            image = clean_image(upload, max_side=IMAGE_MAX_SIDE)
            upload.seek(0)
            thumb = clean_image(upload, max_side=THUMBNAIL_MAX_SIDE)
        except ValidationError as exc:
            raise ValidationError({"attachments": [f"{original}: {m}" for m in exc.messages]}) from exc
        extension = PurePath(image.content.name or "image.jpg").suffix
        attachment.is_image = True
        attachment.alt_text = alt_text.strip()[:500]
        attachment.width, attachment.height = image.width, image.height
        attachment.content_type = "image/png" if extension == ".png" else "image/jpeg"
        attachment.size = image.content.size
        attachment.file.save(f"image{extension}", image.content, save=False)
        attachment.thumbnail.save(f"thumb{PurePath(thumb.content.name or 'x.jpg').suffix}", thumb.content, save=False)
    else:
        try:
            check_size(upload)
        except ValidationError as exc:
            raise ValidationError({"attachments": [f"{original}: {m}" for m in exc.messages]}) from exc
        guessed = mimetypes.guess_type(original)[0]
        attachment.content_type = (guessed or "application/octet-stream")[:120]
        attachment.size = upload.size or 0
        attachment.file.save(_safe_name(original), upload, save=False)
    try:
        attachment.full_clean()
    except ValidationError:
        discard([attachment])
        raise
    return attachment


def discard(attachments: Iterable[Attachment]) -> None:
    """Remove the stored files of prepared attachments that no post took."""
    delete_files((a.file.name or "", a.thumbnail.name or "") for a in attachments)


def delete_files(names: Iterable[tuple[str, str]]) -> None:
    """Remove stored files of deleted attachments (after the deletion committed)."""
    storage = attachment_storage()
    for pair in names:
        for name in pair:
            if name:
                storage.delete(name)
