"""Mastodon's streams: their names, paths and parameters, the scope each needs, and the live events each carries.

A stream is a ``Channel``: ``user`` (the home timeline and notifications), ``user:notification``, ``public`` and
``public:local`` (the company feed: every post of Essaim is local, so ``public:remote`` carries nothing),
``hashtag`` and ``hashtag:local`` (``tag``), ``list`` (``list``: one of the reader's spaces). The ``:media``
forms carry only statuses with attachments. A channel decides from a live event's row alone whether it may
concern it (``takes``: run by the hub for every stream, no query); the reader's permission on the post itself is
checked again when the event is serialised (``readers``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from essaim.api import scopes
from essaim.core.ids import parse_id
from essaim.core.text import fold
from essaim.realtime.messages import Reader, Row

PREFIX = "/api/v1/streaming"
HEALTH = PREFIX + "/health"

NOTIFICATIONS = frozenset({"user", "user:notification"})
PUBLIC = frozenset({"public", "public:local", "public:media", "public:local:media"})
REMOTE = frozenset({"public:remote", "public:remote:media"})  # Essaim has no remote posts
HASHTAG = frozenset({"hashtag", "hashtag:local"})
NAMES = frozenset({*NOTIFICATIONS, *PUBLIC, *REMOTE, *HASHTAG, "list"})

POST, EDITED, REMOVED, BELL = "post", "post-edited", "post-removed", "bell"  # the live events (realtime.consumers)
KINDS = frozenset({POST, EDITED, REMOVED, BELL})


class BadChannelError(Exception):
    """A stream that cannot be opened: ``status`` (400 or 404) and what is wrong (``reason``: see ``readers``)."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Channel:
    """One stream a client asked for: its Mastodon name, and its tag (folded) or list (a space's id)."""

    name: str
    tag: str = ""
    list_id: int = 0
    typed_tag: str = ""  # the tag as the client wrote it, echoed back in ``stream``

    @property
    def wire(self) -> list[str]:
        """The ``stream`` field of each message, as Mastodon sends it (``["hashtag", "vélo"]``)."""
        if self.name in HASHTAG:
            return [self.name, self.typed_tag]
        if self.name == "list":
            return [self.name, str(self.list_id)]
        return [self.name]

    @property
    def scope(self) -> str:
        """The OAuth scope this stream needs, from the one table of scopes (``api.scopes.RULES``)."""
        needed = scopes.required_scope("GET", f"v1/streaming/{self.name.split(':media')[0].replace(':', '/')}")
        return needed or "read:statuses"

    @property
    def media_only(self) -> bool:
        return self.name.endswith(":media")

    def takes(self, row: Row, reader: Reader) -> bool:
        """Whether the live event ``row`` (which ``reader`` may be told of) may become a message on this stream."""
        if row.kind == BELL:
            return self.name in NOTIFICATIONS
        if self.name == "user:notification" or self.name in REMOTE or row.kind not in KINDS:
            return False
        if row.kind != POST:  # an edit, a removal: the post is looked at when serialised
            return True
        data = row.data
        if self.name == "user":
            return any(reader.holds(key) for key in row.home)
        if self.name in PUBLIC:
            return bool(data.get("company"))
        if self.name in HASHTAG:
            return self.tag in data.get("tags", ())
        return data.get("space") == str(self.list_id)

    def shows(self, post: Any, tags: list[str]) -> bool:
        """For an edited post (``tags``: its tags, folded): whether this stream shows it."""
        if self.name == "user":
            return True  # a post the reader may read: the app updates it wherever it shows it
        if self.name in PUBLIC:
            return post.space_id is None and post.visibility == "company" and post.hidden_at is None
        if self.name in HASHTAG:
            return self.tag in tags
        return self.name == "list" and post.space_id == self.list_id


def channel_for(name: str, params: dict[str, Any]) -> Channel:
    """The stream named ``name`` with its ``tag`` or ``list`` parameter; ``BadChannelError`` otherwise."""
    if name not in NAMES:
        raise BadChannelError(404, "unknown")
    if name in HASHTAG:
        typed = str(params.get("tag") or "").strip().lstrip("#")
        if not typed or len(typed) > 100:
            raise BadChannelError(400, "tag")
        return Channel(name, tag=fold(typed), typed_tag=typed)
    if name == "list":
        list_id = parse_id(str(params.get("list") or ""))
        if list_id is None:
            raise BadChannelError(400, "list")
        return Channel(name, list_id=list_id)
    return Channel(name)


def name_for_path(path: str) -> str | None:
    """The stream a Server-Sent Events path asks for (``/api/v1/streaming/public/local``: ``public:local``)."""
    if not path.startswith(PREFIX + "/"):
        return None
    return path.removeprefix(PREFIX + "/").strip("/").replace("/", ":")


def handles(path: str) -> bool:
    """Whether ``path`` is the streaming API's (``essaim.asgi`` routes it here)."""
    return path == PREFIX or path.startswith(PREFIX + "/")
