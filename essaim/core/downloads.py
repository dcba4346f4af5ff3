"""Sending a private file that a view has just allowed: by Essaim itself, or by the reverse proxy.

With ``ESSAIM_ACCEL_REDIRECT_PREFIX`` set (``/_essaim_private``), the answer is empty and names the file
in ``X-Accel-Redirect``: nginx sends it from an ``internal`` location aliasing ``<data dir>/private/``
(``deploy/nginx/essaim.conf``), so no Python worker is held while a large file goes out. The permission
was checked before, by the view's selector: this module only decides who sends the bytes. Unset (the
default), Essaim streams the file itself.

nginx keeps the answer's ``Content-Type``, ``Content-Disposition`` and ``Cache-Control`` when it sends the
file, and drops the other headers: its internal location adds ``X-Content-Type-Options`` and the
sandboxing ``Content-Security-Policy`` itself.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def private_file_response(
    stored: FieldFile, *, filename: str, content_type: str, as_attachment: bool
) -> FileResponse | HttpResponse:
    """``stored`` (a file of the private storage) as ``filename``: streamed, or handed to the proxy."""
    prefix = str(getattr(settings, "ACCEL_REDIRECT_PREFIX", "")).rstrip("/")
    if not prefix:
        return FileResponse(
            stored.open("rb"), as_attachment=as_attachment, filename=filename, content_type=content_type
        )
    response = HttpResponse(b"", content_type=content_type)
    response["X-Accel-Redirect"] = f"{prefix}/{quote(stored.name or '', safe='/')}"
    if disposition := content_disposition_header(as_attachment, filename):
        response["Content-Disposition"] = disposition
    return response
