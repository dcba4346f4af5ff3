import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from essaim.core.uploads import check_size, clean_image


def jpeg_with_exif(size: tuple[int, int] = (800, 600)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, "#3366cc")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (48.0, 51.0, 24.0)}  # GPS latitude
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/jpeg")


class TestCleanImage:
    def test_html_renamed_png_is_refused(self):
        fake = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
        with pytest.raises(ValidationError) as excinfo:
            clean_image(fake, max_side=256)
        assert excinfo.value.code == "not_an_image"

    def test_exif_and_gps_are_stripped(self):
        cleaned = clean_image(jpeg_with_exif(), max_side=256)
        data = cleaned.content.read()
        assert b"SecretCam" not in data
        assert not Image.open(io.BytesIO(data)).getexif()

    def test_large_image_is_resized_keeping_its_ratio(self):
        cleaned = clean_image(jpeg_with_exif((2000, 1000)), max_side=500)
        assert (cleaned.width, cleaned.height) == (500, 250)

    def test_square_crop_for_avatars(self):
        cleaned = clean_image(jpeg_with_exif((900, 600)), max_side=128, square=True)
        assert (cleaned.width, cleaned.height) == (128, 128)

    def test_transparency_is_kept_as_png(self):
        buffer = io.BytesIO()
        Image.new("RGBA", (40, 40), (255, 0, 0, 0)).save(buffer, format="PNG")
        cleaned = clean_image(SimpleUploadedFile("logo.png", buffer.getvalue()), max_side=64)
        assert cleaned.content.name.endswith(".png")


class TestCheckSize:
    @override_settings(UPLOAD_MAX_BYTES=1000)
    def test_a_file_over_the_limit_is_refused_with_both_sizes_in_the_message(self):
        with pytest.raises(ValidationError) as excinfo:
            check_size(SimpleUploadedFile("big.bin", b"x" * 2000))
        assert excinfo.value.code == "too_large"
        assert "1000" in str(excinfo.value.messages[0]) or "ko" in str(excinfo.value.messages[0]).lower()

    @override_settings(UPLOAD_MAX_BYTES=1000)
    def test_a_file_under_the_limit_passes(self):
        check_size(SimpleUploadedFile("small.bin", b"x" * 10))
