"""OAuth scopes, Mastodon's, and the one table saying which scope each API operation needs.

A token carries scopes such as ``read write follow`` or granular ones (``read:statuses``). An operation needs one
granular scope (``read:statuses``); a token may call it when it holds that scope, or its top-level form
(``read``), or the legacy ``follow`` for the relationships scopes, or ``profile`` for ``verify_credentials``.
Personal tokens and the browser's session hold every scope.

:func:`required_scope` reads :data:`RULES` top to bottom: the first rule whose methods and path pattern match
decides. Operations every visitor may call (the instance, custom emojis) need none; a test asks that every
operation of the OpenAPI document finds a rule, so a new endpoint cannot slip through unscoped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

READ_SCOPES = (
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
)
WRITE_SCOPES = (
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
)
TOP_SCOPES = ("read", "write", "follow", "push", "profile")
ALL_SCOPES = (*TOP_SCOPES, *READ_SCOPES, *WRITE_SCOPES)
FOLLOW_COVERS = frozenset({"read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"})
PUBLIC = ""  # no scope: anyone may call

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
READ = SAFE
WRITE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ANY = READ | WRITE

# (methods, path under /api/ as a regular expression, scope): the first match decides.
RULES: tuple[tuple[frozenset[str], str, str], ...] = (
    (READ, r"v[12]/instance(/.*)?", PUBLIC),
    (READ, r"v1/custom_emojis", PUBLIC),
    (READ, r"v1/streaming/health", PUBLIC),
    (READ, r"v1/streaming/user/notification", "read:notifications"),  # the streaming API (essaim.api.streaming)
    (READ, r"v1/streaming(/.*)?", "read:statuses"),
    (ANY, r"v1/apps(/verify_credentials)?", PUBLIC),  # the app itself: its own token or none
    (READ, r"v1/accounts/verify_credentials", "profile"),
    (READ, r"v1/accounts/relationships", "read:follows"),
    (READ, r"v1/accounts/[^/]+/(followers|following)", "read:accounts"),
    (READ, r"v1/accounts/[^/]+/statuses", "read:statuses"),
    (WRITE, r"v1/accounts/[^/]+/(follow|unfollow)", "write:follows"),
    (ANY, r"v1/accounts(/.*)?", "{rw}:accounts"),
    (ANY, r"v1/preferences", "{rw}:accounts"),
    (ANY, r"v1/follow_requests(/.*)?", "{rw}:follows"),
    (ANY, r"v1/followed_tags", "{rw}:follows"),
    (WRITE, r"v1/tags/[^/]+/(follow|unfollow)", "write:follows"),
    (READ, r"v1/tags(/.*)?", "read:statuses"),
    (WRITE, r"v1/statuses/[^/]+/(favourite|unfavourite)", "write:favourites"),
    (WRITE, r"v1/statuses/[^/]+/(bookmark|unbookmark)", "write:bookmarks"),
    (ANY, r"v1/statuses(/.*)?", "{rw}:statuses"),
    (ANY, r"v1/scheduled_statuses(/.*)?", "{rw}:statuses"),
    (ANY, r"v1/timelines/list/[^/]+", "read:lists"),
    (ANY, r"v1/timelines(/.*)?", "read:statuses"),
    (ANY, r"v1/polls(/.*)?", "{rw}:statuses"),  # a poll is a status's (Mastodon's scope for votes)
    (ANY, r"v1/(events|ideas)(/.*)?", "{rw}:statuses"),  # an event, an idea: a post of its kind
    (ANY, r"v1/praise", "{rw}:statuses"),
    (ANY, r"v1/favourites", "read:favourites"),
    (ANY, r"v1/bookmarks", "read:bookmarks"),
    (ANY, r"v[12]/media(/.*)?", "write:media"),
    (ANY, r"v[12]/notifications(/.*)?", "{rw}:notifications"),
    (ANY, r"v1/markers", "{rw}:statuses"),
    (ANY, r"v1/reports(/.*)?", "write:reports"),
    (ANY, r"v1/lists(/.*)?", "{rw}:lists"),
    (ANY, r"v1/spaces(/.*)?", "{rw}:lists"),
    (ANY, r"v[12]/search", "read:search"),
    (ANY, r"v1/push(/.*)?", "push"),
    (ANY, r"v1/essaim/people(/.*)?", "read:accounts"),
    (ANY, r"v1/essaim/notification[_-]settings(/.*)?", "{rw}:notifications"),
    (ANY, r"v1/essaim/(.*)", "{rw}:statuses"),
)
_COMPILED = tuple((methods, re.compile(pattern), scope) for methods, pattern, scope in RULES)


def required_scope(method: str, path: str) -> str | None:
    """The scope the operation at ``path`` (under ``/api/``, without it) needs for ``method``: ``""`` when anyone
    may call it, ``None`` when no rule names it (refused: a new endpoint must be given its scope here)."""
    method = method.upper()
    for methods, pattern, scope in _COMPILED:
        if method in methods and pattern.fullmatch(path):
            return scope.replace("{rw}", "read" if method in SAFE else "write")
    return None


def allows(granted: Iterable[str], needed: str) -> bool:
    """Whether a token holding ``granted`` may call an operation needing ``needed``."""
    held = set(granted)
    if not needed or needed in held:
        return True
    top = needed.split(":", 1)[0]
    if top in held and top in {"read", "write"}:
        return True
    if needed in FOLLOW_COVERS and "follow" in held:
        return True
    return needed == "profile" and bool(held & {"read", "read:accounts"})


def parse(raw: str | Iterable[str]) -> list[str]:
    """Scopes as Mastodon clients send them: space- or plus-separated text, or a list."""
    items = raw.replace("+", " ").split() if isinstance(raw, str) else [s for item in raw for s in parse(item)]
    return list(dict.fromkeys(items))


def covered(requested: Iterable[str], registered: Iterable[str]) -> bool:
    """Whether every requested scope is one of the app's registered scopes or granted by one."""
    held = list(registered)
    return all(scope in held or (scope != "profile" and allows(held, scope)) for scope in requested)
