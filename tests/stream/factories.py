"""Test data for the stream."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_upload(
    name: str = "photo.jpg", size: tuple[int, int] = (800, 600), *, exif: bool = False
) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (40, 120, 200))
    out = io.BytesIO()
    if exif:
        info = Image.Exif()
        info[0x010F] = "SecretCam"
        image.save(out, format="JPEG", exif=info)
    else:
        image.save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
