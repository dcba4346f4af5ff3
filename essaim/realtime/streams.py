"""Opening a page's stream: who is asking (their session) and from which event it resumes.

Shared by the asynchronous endpoint (``realtime.asgi``) and the synchronous one (``realtime.views``).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user
from django.http import HttpRequest
from django.http.cookie import parse_cookie
from django.utils.translation import gettext_noop

from essaim.core.ids import is_digits
from essaim.realtime.messages import Reader, load_reader

PATH = "/live/events"
LIFETIME = 30 * 60.0  # seconds: then the stream ends and the page reconnects with fresh rights
KEEPALIVE_EVERY = 20.0  # seconds of silence before a comment line keeps proxies from closing it
CONTENT_TYPE = "text/event-stream; charset=utf-8"
HEADERS = [
    (b"content-type", CONTENT_TYPE.encode()),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),  # nginx: send each event at once
]


def reader_from_cookies(cookie_header: str) -> Reader | None:
    """The reader whose session cookie this is, as Django's authentication reads it (the session's
    auth hash checked, so a changed password or a sign-out elsewhere ends it); ``None`` otherwise."""
    key = parse_cookie(cookie_header).get(settings.SESSION_COOKIE_NAME)
    if not key:
        return None
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    return load_reader(get_user(request))


def refusal(accept_language: str) -> str:
    """Why a signed-out stream is refused, in the browser's language."""
    return in_language(accept_language, gettext_noop("Sign in to receive live updates."))


def wrong_method(accept_language: str) -> str:
    """Why a stream asked with another method than GET is refused, in the browser's language."""
    return in_language(accept_language, gettext_noop("Live updates are read with GET only."))


def in_language(accept_language: str, message: str) -> str:
    """``message`` translated into the first language of ``Accept-Language`` that Essaim speaks (the stream has
    no request for Django's locale middleware to read)."""
    from django.utils import translation

    with translation.override(language_for(accept_language)):
        return translation.gettext(message)


def language_for(accept_language: str) -> str:
    """The first language of ``Accept-Language`` that Essaim speaks, else the site's."""
    from django.utils.translation import trans_real

    for code, _quality in trans_real.parse_accept_lang_header(accept_language):
        try:
            return trans_real.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def resume_point(last_event_id: str | None, query: Mapping[str, str]) -> tuple[int | None, int | None]:
    """``(last event id, page rendered at in ms)``: the browser's ``Last-Event-ID`` when it reconnects,
    else the ``since`` the page was rendered with; garbage reads as nothing."""

    def number(raw: str | None) -> int | None:
        raw = (raw or "").strip()
        return int(raw) if raw and is_digits(raw) and len(raw) <= 19 else None

    return number(last_event_id), number(query.get("since"))
