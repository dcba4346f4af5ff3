"""Who may see a post, as sets of keys that a live connection can test without a query.

The live pages (``essaim.realtime``) tell thousands of open connections about each post at once;
asking the database whether each reader may see it would cost one query per connection per event.
So the question is asked once on each side, in terms of **keys**:

* a reader's keys (``reader_keys``) say who they are once, when their connection opens: ``u<id>``
  (themselves), ``E`` (an employee), ``A`` (a network administrator),
  ``s<id>`` for each space they belong to, ``m<id>`` for each space they moderate, ``f<id>`` for each
  person they follow, ``t<id>`` for each tag they follow;
* a post's audience (``post_audience``) is a list of clauses, each a tuple of keys that a reader must
  all hold: the reader may see the post when one clause holds (``admits``).

``post_audience`` is ``rules.stream.post_readers_q`` stated with those keys, and ``home_keys`` is the
home feed's rule (``stream.timelines.audience`` and the followed tags' branch of the home page);
``tests/access/test_audience.py`` proves both equal to ``visible`` and to the home feed for every kind
of post and person. A reader's keys go stale when they join or leave a space or follow someone: the
live connection reloads them on those events (``realtime.consumers``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import can
from essaim.access.roles import Actor
from essaim.access.rules.stream import MODERATING_ROLES

Clause = tuple[str, ...]

EMPLOYEE, NETWORK_ADMIN = "E", "A"


def reader_keys(actor: Actor) -> frozenset[str]:
    """``actor``'s keys (three small queries: memberships, follows, followed tags); none when signed out."""
    from essaim.people.models import Follow
    from essaim.spaces.models import Membership
    from essaim.stream.models import TagFollow

    if not roles.is_signed_in(actor):
        return frozenset()
    keys = {f"u{actor.pk}"}
    if roles.is_employee(actor):
        keys.add(EMPLOYEE)
    if roles.is_network_admin(actor):
        keys.add(NETWORK_ADMIN)
    for space_id, role in Membership.objects.filter(user_id=actor.pk).values_list("space_id", "role"):
        keys.add(f"s{space_id}")
        if role in MODERATING_ROLES:
            keys.add(f"m{space_id}")
    keys.update(f"f{i}" for i in Follow.objects.filter(follower_id=actor.pk).values_list("followed_id", flat=True))
    if can(actor, Action.FOLLOW_TAG):  # a followed tag brings posts to those who may follow one
        keys.update(f"t{i}" for i in TagFollow.objects.filter(user_id=actor.pk).values_list("tag_id", flat=True))
    return frozenset(map(sys.intern, keys))  # one string per key in the process, however many readers hold it


def admits(audience: Iterable[Sequence[str]], keys: frozenset[str]) -> bool:
    """Whether a reader holding ``keys`` is in ``audience`` (one of its clauses holds)."""
    return any(all(key in keys for key in clause) for clause in audience)


def post_audience(post: Any, mentioned_ids: Iterable[int] = ()) -> list[Clause]:
    """Who may read ``post`` (with ``space`` loaded) as clauses; ``mentioned_ids``: the people its text
    (not its comments) mentions."""
    author = f"u{post.author_id}"
    if post.space_id is not None:
        readable = _space_readers(post.space_id, post.space.visibility)
    else:
        readable = [author, *(f"u{i}" for i in mentioned_ids)]
        if post.visibility == "followers":
            readable.append(f"f{post.author_id}")
        elif post.visibility == "company":
            readable.append(EMPLOYEE)
    if post.hidden_at is None:
        return [(key,) for key in dict.fromkeys(readable)]
    # Hidden by moderation: still readable by its author and whoever may moderate it.
    shown = [author] + ([f"m{post.space_id}"] if post.space_id is not None else [NETWORK_ADMIN])
    clauses = {tuple(sorted({r, s})): None for r in readable for s in shown}
    return list(clauses)


def space_audience(space: Any) -> list[Clause]:
    """Who may read the posts of ``space`` (not hidden ones): for what is said of a space's post that
    is gone (its deletion)."""
    return [(key,) for key in _space_readers(space.pk, space.visibility)]


def _space_readers(space_id: int, visibility: str) -> list[str]:
    """Who reads a space's posts: its members, and every employee when it is public."""
    return [f"s{space_id}"] + ([EMPLOYEE] if visibility == "public" else [])


def home_keys(post: Any, mentioned_ids: Iterable[int] = (), tag_ids: Iterable[int] = ()) -> list[str]:
    """The keys that bring ``post`` into a reader's home feed, for a reader who may read it: written by
    them, in their space, by someone they follow or mentioning them (outside spaces and in public
    spaces only), or carrying a tag they follow if every employee may read it."""
    keys = [f"u{post.author_id}"]
    public_space = post.space_id is not None and post.space.visibility == "public"
    if post.space_id is not None:
        keys.append(f"s{post.space_id}")
    if post.space_id is None or public_space:
        keys.extend(f"u{i}" for i in mentioned_ids)
        if public_space or post.visibility in ("company", "followers"):
            keys.append(f"f{post.author_id}")
    company = post.space_id is None and post.visibility == "company"
    if post.hidden_at is None and (public_space or company):
        keys.extend(f"t{i}" for i in tag_ids)
    return list(dict.fromkeys(keys))
