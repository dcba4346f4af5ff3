"""Upload checks shared by every app: size caps, real type sniffing, safe images.

An image is decoded by Pillow, re-encoded without its metadata (EXIF, GPS) and resized;
a file that only *claims* to be an image (an HTML page renamed ``.png``) is refused.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
Image.MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs early


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile[bytes]
    width: int
    height: int


def check_size(upload: UploadedFile, *, max_bytes: int | None = None) -> None:
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("This file is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )


def clean_image(upload: UploadedFile, *, max_side: int, square: bool = False) -> CleanImage:
    """Decode, strip metadata, orient, resize (and crop to a square if asked), re-encode."""
    check_size(upload)
    try:
        upload.seek(0)
        opened = Image.open(upload)
        image_format = opened.format
        opened.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("This file is not an image we can read. Use a JPEG, PNG, WebP or GIF picture."),
            code="not_an_image",
        ) from exc
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(_("Use a JPEG, PNG, WebP or GIF picture."), code="image_type")
    image: Image.Image = ImageOps.exif_transpose(opened)
    if square:
        image = ImageOps.fit(image, (max_side, max_side), method=Image.Resampling.LANCZOS)
    else:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    has_alpha = image.mode in {"RGBA", "LA", "P"}
    out = io.BytesIO()
    if has_alpha:
        image = image.convert("RGBA")
        image.save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        image = image.convert("RGB")
        image.save(out, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    # A fresh encode carries no EXIF: Pillow writes only what it is given.
    return CleanImage(
        content=ContentFile(out.getvalue(), name=f"image.{extension}"),
        width=image.width,
        height=image.height,
    )
