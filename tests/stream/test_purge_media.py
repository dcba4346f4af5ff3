from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from essaim.core.ids import time_ordered_id
from essaim.stream import services
from essaim.stream.models import Attachment
from tests.stream.factories import image_upload


def test_old_unattached_uploads_go_recent_ones_and_posted_ones_stay(employee, django_capture_on_commit_callbacks):
    old = services.media_upload(actor=employee, upload=image_upload("old.jpg"))
    old_file = old.file.name
    Attachment.objects.filter(pk=old.pk).update(id=time_ordered_id(at=timezone.now() - timedelta(days=2)))
    recent = services.media_upload(actor=employee, upload=image_upload("recent.jpg"))
    taken = services.media_upload(actor=employee, upload=image_upload("taken.jpg"))
    services.post_create(actor=employee, body="Avec une photo", media=[taken])
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_media", stdout=out)
    assert "1 unattached upload(s) deleted." in out.getvalue()
    assert set(Attachment.objects.values_list("original_name", flat=True)) == {"recent.jpg", "taken.jpg"}
    assert recent.file.storage.exists(recent.file.name)
    assert not old.file.storage.exists(old_file)
