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

import time
from collections.abc import Mapping
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.signing import Signer
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.utils.crypto import constant_time_compare
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


# -- Signed addresses: an app's <img> cannot send ``Authorization``, so an API answer gives addresses that carry
# who asked (the person the API answered, allowed to see the file when the address was made) and until when. The
# download view checks the signature, then the permission again for that person: an address stops working when its
# person loses access, or after ``DOWNLOAD_URL_HOURS`` (rounded up to the hour, so an address stays the same for a
# while and apps can cache the image).

DOWNLOAD_SALT = "essaim.core.downloads"


def _signer() -> Signer:
    return Signer(salt=DOWNLOAD_SALT)


def signed_query(*, kind: str, object_id: int, user_id: int) -> str:
    """``?u=…&e=…&s=…`` for a download of ``kind`` (``attachment``, ``attachment-thumbnail``) by ``user_id``."""
    hours = int(getattr(settings, "DOWNLOAD_URL_HOURS", 24))
    expires = (int(time.time()) // 3600 + 1 + hours) * 3600
    signature = _signer().signature(f"{kind}:{object_id}:{user_id}:{expires}")
    return "?" + urlencode({"u": user_id, "e": expires, "s": signature})


def signed_user_id(*, kind: str, object_id: int, query: Mapping[str, str]) -> int | None:
    """The person a download address was signed for, if its signature holds and it has not expired; else ``None``."""
    try:
        user_id, expires = int(query.get("u", "")), int(query.get("e", ""))
    except ValueError:
        return None
    if expires < time.time():
        return None
    expected = _signer().signature(f"{kind}:{object_id}:{user_id}:{expires}")
    return user_id if constant_time_compare(expected, query.get("s", "")) else None
