"""``/media/``'s public images served by Essaim itself (``ESSAIM_SERVE_MEDIA``, on by default).

Profile photos, space images and the network's logo: their names carry a random part and are never
reused, and every one of them went through Pillow (``core.uploads``). Served from a middleware placed
before the session and the user are read, so a photo costs no database query (whitenoise does the
same for static files); a file it does not serve goes on to the URLs, whose 404 page is Essaim's.

Only ``PUBLIC_FOLDERS`` and image types are served, never a path that leaves them (``..``, hidden
names, links out of ``MEDIA_ROOT``). Post attachments are not there: they live outside ``MEDIA_ROOT``
(``stream.models.attachment_storage``) and go out only through the download view that checks
permission. Behind a reverse proxy that serves ``/media/`` itself, set ``ESSAIM_SERVE_MEDIA=0``
(docs/deploy.md).
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.http import http_date
from django.views.static import was_modified_since

PUBLIC_FOLDERS = ("people/", "spaces/", "network/")
IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
CACHE_CONTROL = "public, max-age=86400"  # a day: names change with the picture, and a removed one goes soon


class MediaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        if not settings.SERVE_MEDIA:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method in {"GET", "HEAD"} and request.path_info.startswith(settings.MEDIA_URL):
            response = media_response(request, request.path_info.removeprefix(settings.MEDIA_URL))
            if response is not None:
                return response
        return self.get_response(request)


def public_file(name: str) -> tuple[Path, str] | None:
    """The file and content type of ``name`` (relative to ``MEDIA_ROOT``) if it is a public image."""
    parts = name.split("/")
    if not name.startswith(PUBLIC_FOLDERS) or any(not part or part.startswith(".") or "\\" in part for part in parts):
        return None
    content_type = IMAGE_TYPES.get(Path(name).suffix.lower())
    root = Path(settings.MEDIA_ROOT).resolve()
    path = root.joinpath(*parts)
    if content_type is None or not path.resolve().is_relative_to(root):
        return None
    return path, content_type


def media_response(request: HttpRequest, name: str) -> HttpResponseBase | None:
    found = public_file(name)
    if found is None:
        return None
    path, content_type = found
    try:
        status = path.stat()
    except OSError:  # missing, or not readable
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    response: HttpResponseBase
    if not was_modified_since(request.headers.get("if-modified-since"), int(status.st_mtime)):
        response = HttpResponseNotModified()
    elif request.method == "HEAD":
        response = HttpResponse(content_type=content_type)
        response["Content-Length"] = str(status.st_size)
    else:
        response = FileResponse(path.open("rb"), content_type=content_type)
    response["Last-Modified"] = http_date(status.st_mtime)
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response
