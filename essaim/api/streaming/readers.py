"""Who is streaming and what they are sent: synchronous, run in the streaming threads (``asgi``).

A stream is opened with a bearer token, an app's (its scopes checked per stream) or a personal one (every
scope), sent as ``Authorization: Bearer``, as the ``access_token`` parameter or, on a WebSocket, as its
``Sec-WebSocket-Protocol``. The token is asked again on every keepalive: a revoked token's streams end.

Each live event the hub hands a stream (``channels.Channel.takes``: the reader is in its audience) becomes
Mastodon's messages here, with the reader's own permissions asked again: a new or edited post is read back
through ``stream.selectors.post_get_for`` (404: nothing is sent) and serialised as the REST API serialises it for
them (``update``, ``status.update``); a removed post is its id (``delete``); a rung bell is the reader's
notifications since the last one sent, as ``/api/v1/notifications`` shows them (``notification``).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from essaim.accounts import two_factor
from essaim.accounts.models import User
from essaim.api import scopes, selectors
from essaim.api.errors import standard_message
from essaim.api.streaming.channels import BELL, EDITED, NOTIFICATIONS, POST, REMOVED, Channel
from essaim.charters.middleware import must_accept, refusal_words
from essaim.core.pagination import Cursor
from essaim.realtime.messages import Reader, Row, load_reader
from essaim.realtime.streams import language_for

Message = tuple[Channel, str, Any]  # a stream, an event's name, its payload (JSON-ready, or a status's id)
NOTIFICATIONS_AT_ONCE = 40


class RefusedError(Exception):
    """A stream refused: its HTTP status and Mastodon's error body, in the reader's language."""

    def __init__(self, status: int, error: str, description: str = "") -> None:
        self.status = status
        self.body = {"error": error, "error_description": description or error}
        super().__init__(error)


@dataclass
class Session:
    """One open connection: its person, token, the request its statuses are serialised for, and the newest
    notification it has been sent."""

    user: User
    raw_token: str
    granted: frozenset[str] | None  # None: a personal token, which holds every scope
    request: HttpRequest
    reader: Reader
    last_notification: int = 0
    notified: bool = False  # whether the reader may read notifications (``Action.READ_NOTIFICATIONS``)
    language: str = ""
    channels: list[Channel] = field(default_factory=list)


def refusal(status: int, reason: str, **values: str) -> RefusedError:
    """The error for ``reason``, in the language active now."""
    words: dict[str, tuple[str, str]] = {
        "missing": (
            _("Missing access token"),
            _("Send the app's token as “Authorization: Bearer <token>” or as the access_token parameter."),
        ),
        "invalid": (
            _("The access token is invalid"),
            _("Sign in, or send a valid personal token as “Authorization: Bearer <token>”."),
        ),
        "scope": (
            _("This action is outside the authorized scopes"),
            _("Authorise the app again with the scope %(scope)s.") % {"scope": values.get("scope", "?")},
        ),
        "unknown": (
            _("Unknown stream type"),
            _("The streams are user, user:notification, public, public:local, hashtag, hashtag:local and list."),
        ),
        "tag": (_("No hashtag given"), _("Give the hashtag to follow as the tag parameter.")),
        "list": (_("No list given"), _("Give the list's id (one of your spaces) as the list parameter.")),
        "message": (
            _("Bad request"),
            _('Send {"type": "subscribe", "stream": "user"} or the same with "unsubscribe".'),
        ),
    }
    return RefusedError(status, *(words.get(reason) or standard_message(status)))


def request_for(scope: Mapping[str, Any]) -> HttpRequest:
    """A Django request for ``scope`` (an HTTP or WebSocket connection): what statuses' URLs are built from
    (``https://`` for a ``wss://`` socket)."""
    scheme = {"ws": "http", "wss": "https"}.get(scope.get("scheme", "http"), scope.get("scheme", "http"))
    return ASGIRequest({**scope, "type": "http", "method": "GET", "scheme": scheme}, io.BytesIO())


def token_from(request: HttpRequest) -> str:
    """The bearer token of a streaming request, wherever Mastodon apps put it."""
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    if request.GET.get("access_token"):
        return request.GET["access_token"].strip()
    return request.headers.get("sec-websocket-protocol", "").split(",")[0].strip()


def open_session(scope: Mapping[str, Any]) -> Session:
    """Authenticate the connection ``scope`` (``RefusedError`` when it may not stream at all)."""
    request = request_for(scope)
    with translation.override(language_for(request.headers.get("accept-language", ""))):
        raw = token_from(request)
        if not raw:
            raise refusal(401, "missing")
        user, granted = _authenticate(raw)
        if user is None:
            raise refusal(401, "invalid")
    language = user.language or language_for(request.headers.get("accept-language", ""))
    with translation.override(language):
        request.user = user
        if must_accept(request, user):
            raise RefusedError(403, *refusal_words(request))
        if two_factor.must_enrol(None, user):
            raise RefusedError(403, *two_factor.refusal_words(request))
        reader = load_reader(user)
        if reader is None:
            raise refusal(401, "invalid")
    return Session(user=user, raw_token=raw, granted=granted, request=request, reader=reader, language=language)


def _authenticate(raw: str) -> tuple[Any, frozenset[str] | None]:
    from essaim.api import oauth
    from essaim.api.services import TOKEN_PREFIX

    if raw.startswith(TOKEN_PREFIX):
        personal = selectors.personal_token_authenticate(raw=raw)
        return (personal.user, None) if personal is not None else (None, None)
    token = oauth.access_token_for(raw)
    if token is None or token.user is None:
        return None, None
    oauth.access_token_touch(token)
    return token.user, frozenset(token.scope.split())


def still_valid(session: Session) -> bool:
    """Whether the session's token still opens streams (not revoked, expired, nor its owner deactivated)."""
    user, _granted = _authenticate(session.raw_token)
    return user is not None and user.pk == session.user.pk


def admit(session: Session, channel: Channel) -> None:
    """Refuse (``RefusedError``) a stream the token's scopes do not cover, or a list that is not one of the
    reader's spaces (404, as for a list that does not exist); remember where notifications start."""
    from essaim.notifications.selectors import latest_notification_id_for
    from essaim.spaces.selectors import member_space_get

    with translation.override(session.language):
        needed = channel.scope
        if session.granted is not None and not scopes.allows(session.granted, needed):
            raise refusal(403, "scope", scope=needed)
        if channel.name == "list":
            try:
                member_space_get(actor=session.user, space_id=channel.list_id)
            except Http404:
                raise refusal(404, "not-a-list") from None
        if channel.name in NOTIFICATIONS and not session.notified:
            try:
                session.last_notification = latest_notification_id_for(actor=session.user)
                session.notified = True
            except PermissionDenied:  # someone without notifications: their home stream has none
                if channel.name == "user:notification":
                    raise refusal(403, "forbidden") from None


def messages_for(session: Session, rows: Iterable[Row]) -> list[Message]:
    """What the session's streams are sent about ``rows``, in order."""
    out: list[Message] = []
    with translation.override(session.language):
        for row in rows:
            wanting = [channel for channel in session.channels if channel.takes(row, session.reader)]
            if not wanting:
                continue
            if row.kind == BELL:
                out.extend((channel, "notification", n) for n in _new_notifications(session) for channel in wanting)
            elif row.kind == REMOVED:
                out.extend((channel, "delete", str(row.data["post"])) for channel in wanting)
            elif row.kind in (POST, EDITED):
                out.extend(_about_a_post(session, row, wanting))
    return out


def _about_a_post(session: Session, row: Row, wanting: list[Channel]) -> list[Message]:
    from essaim.stream import selectors as stream_selectors
    from essaim.stream.api import post_status
    from essaim.stream.models import PostTag

    try:
        post = stream_selectors.post_get_for(actor=session.user, post_id=int(row.data["post"]))
    except (Http404, ValueError):
        return []  # gone, or no longer for this reader
    if row.kind == EDITED:
        tags = list(PostTag.objects.filter(post=post).values_list("tag__folded", flat=True))
        wanting = [channel for channel in wanting if channel.shows(post, tags)]
    if not wanting:
        return []
    status = post_status(session.request, post)
    event = "update" if row.kind == POST else "status.update"
    return [
        (channel, event, status) for channel in wanting if not channel.media_only or status.get("media_attachments")
    ]


def _new_notifications(session: Session) -> list[dict[str, Any]]:
    from essaim.notifications.api import notifications_data
    from essaim.notifications.selectors import notification_page_for

    if not session.notified:
        return []
    cursor = Cursor(min_id=session.last_notification, limit=NOTIFICATIONS_AT_ONCE)
    page = notification_page_for(actor=session.user, cursor=cursor, with_statuses=True)
    if not page.items:
        return []
    session.last_notification = max(n.pk for n in page.items)
    return notifications_data(session.request, sorted(page.items, key=lambda n: n.pk))
