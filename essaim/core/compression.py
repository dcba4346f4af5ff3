"""gzip for pages and JSON, at a level chosen for its cost (the home page's HTML shrinks sixfold).

Django's ``GZipMiddleware`` compresses at level 6; measured on the demo's home page (47 KB, one core,
``time.process_time`` over 500 runs): level 6 took 0.50 ms for a 6.9 × smaller page, level 3 0.23 ms
for 6.1 ×, level 1 0.21 ms for 5.7 ×. The benchmark's home page (123 KB on dataset M, 3.7 CPU-ms a
request) would pay ≈ 1.3 ms at level 6, ≈ 0.6 ms at level 3: level 3 keeps most of the gain for less
than half the cost. Not compressed: streamed responses and files (images are compressed already;
whitenoise serves static files pre-compressed before this runs), small bodies, and the pages that
show a secret (a new personal token, two-factor keys and recovery codes, the outbox's mails with their
invitation and password-reset links).

BREACH (guessing a secret from the compressed size of pages that also reflect the attacker's text)
is kept out by: the CSRF token masked anew in every response; a random-length padding in the gzip
header of every response, as Django's ``GZipMiddleware`` adds ("Heal the BREACH"); session cookies
sent ``SameSite=Lax``, so another site's page cannot have a signed-in person's browser fetch pages
over and over; and no compression of the pages above, the only ones that show a secret.
"""

from __future__ import annotations

import gzip
import re
import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

LEVEL = 3
PADDING = 100  # at most this many random bytes in the header, as Django's GZipMiddleware
SMALLEST = 200  # bytes: shorter bodies are not worth it (Django's threshold)
COMPRESSED_TYPES = ("text/html", "application/json", "text/plain", "text/css", "text/javascript")
# Mounted in essaim/urls.py (allauth's for 2fa); the outbox holds invitation and password-reset links.
SECRET_PAGES = ("/accounts/tokens/", "/accounts/2fa/", "/manage/outbox/")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


class CompressionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.streaming or request.path_info.startswith(SECRET_PAGES) or response.has_header("Content-Encoding"):
            return response
        if len(response.content) < SMALLEST or not response.get("Content-Type", "").startswith(COMPRESSED_TYPES):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not ACCEPTS_GZIP.search(request.headers.get("accept-encoding", "")):
            return response
        packed = compress(response.content)
        if len(packed) >= len(response.content):
            return response
        response.content = packed
        response["Content-Length"] = str(len(packed))
        if response.get("ETag", "").startswith('"'):
            response["ETag"] = f"W/{response['ETag']}"  # the same entity, differently encoded (RFC 9110 8.8.1)
        response["Content-Encoding"] = "gzip"
        return response


def compress(content: bytes) -> bytes:
    """gzip at ``LEVEL`` with a file name of random length in its header, as Django does against BREACH."""
    packed = gzip.compress(content, compresslevel=LEVEL, mtime=0)
    header = bytearray(packed[:10])
    header[3] = gzip.FNAME
    return bytes(header) + b"a" * secrets.randbelow(PADDING) + b"\0" + packed[10:]
