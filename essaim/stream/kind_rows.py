"""What a card shows beside its post, for the posts that carry more than their text: an idea's status and votes,
a praise's badge and people, a must-read announcement's confirmation.

Each app that adds such rows registers a loader (``register``) in its ``AppConfig.ready()``; ``hydrate`` calls
``attach`` once per page: each loader gets only the page's posts it wants (by their kind, or a flag already on
the post) and loads their rows in one query, and none runs when no post of the page wants it, so a page of
plain posts costs nothing more. A loader keeps its rows on the posts (an attribute of its own) and what the card
shows of them in ``post.card_extras[name]``, which ``cards.card_key`` hashes: a card changes with its rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from essaim.access.roles import Actor
from essaim.stream.models import Post


@dataclass(frozen=True)
class KindRows:
    name: str
    wants: Callable[[Post], bool]
    load: Callable[[Actor, list[Post]], None]


_loaders: dict[str, KindRows] = {}


def register(name: str, *, wants: Callable[[Post], bool], load: Callable[[Actor, list[Post]], None]) -> None:
    """``load(actor, posts)`` the rows of the posts ``wants`` says yes to, once per page (one query)."""
    _loaders[name] = KindRows(name, wants, load)


def attach(actor: Actor, posts: Sequence[Post]) -> None:
    """Run each registered loader on the posts of ``posts`` it wants (none: it does not run)."""
    for loader in _loaders.values():
        chosen = [post for post in posts if loader.wants(post)]
        if chosen:
            loader.load(actor, chosen)


def keep(post: Post, name: str, shown: Any) -> None:
    """Say what ``post``'s card shows of the rows ``name`` loaded (part of its cache key)."""
    extras: dict[str, Any] | None = getattr(post, "card_extras", None)
    if extras is None:
        extras = {}
        post.card_extras = extras  # type: ignore[attr-defined]  # hydrated for cards
    extras[name] = shown


def card_inputs(post: Post) -> list[tuple[str, Any]]:
    """What ``cards.card_key`` adds to a post's key: the loaders' ``keep``s, in a stable order."""
    return sorted(getattr(post, "card_extras", {}).items())
