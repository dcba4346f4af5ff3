from __future__ import annotations

import io
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory
from PIL import Image

from essaim.accounts.models import User
from essaim.people.models import Department, ProfileField, Site
from tests.accounts.factories import UserFactory


class DepartmentFactory(DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Département {n}")


class SiteFactory(DjangoModelFactory[Site]):
    class Meta:
        model = Site
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Site {n}")


class ProfileFieldFactory(DjangoModelFactory[ProfileField]):
    class Meta:
        model = ProfileField

    label_fr = factory.Sequence(lambda n: f"Champ {n}")
    label_en = factory.Sequence(lambda n: f"Field {n}")
    kind = ProfileField.Kind.TEXT
    position = factory.Sequence(lambda n: n)


def person(**profile_fields: Any) -> User:
    """A user whose profile has the given fields (department, site, manager, job_title…)."""
    user_fields = {
        k: profile_fields.pop(k)
        for k in list(profile_fields)
        if k in {"first_name", "last_name", "handle", "is_active", "kind"}
    }
    user = UserFactory(**user_fields)
    if profile_fields:
        for name, value in profile_fields.items():
            setattr(user.profile, name, value)
        user.profile.save()
    return user


def image_upload(
    *, name: str = "photo.jpg", size: tuple[int, int] = (800, 600), exif: bool = False
) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    if exif:
        info = Image.Exif()
        info[0x010F] = "SecretCam"  # Make
        info[0x8825] = {2: (48.0, 51.0, 24.0)}  # GPS latitude
        image.save(out, format="JPEG", exif=info)
    else:
        image.save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def fake_png_upload() -> SimpleUploadedFile:
    """An HTML page renamed .png: it must be refused."""
    return SimpleUploadedFile("evil.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
