"""What a praise's card shows beside its post (its badge and the people praised), loaded for the page's praise
in one query (``stream.kind_rows``)."""

from __future__ import annotations

from essaim.access.roles import Actor
from essaim.praise.models import BADGE_ICONS, Badge
from essaim.praise.selectors import praise_rows
from essaim.stream import kind_rows
from essaim.stream.models import Post, PostKind


def _load(actor: Actor, posts: list[Post]) -> None:
    found = praise_rows(posts=posts)
    for post in posts:
        praise, people = found.get(post.pk, (None, []))
        badge = praise.badge if praise is not None else ""
        post.praise_badge = badge  # type: ignore[attr-defined]  # hydrated for cards
        post.praise_label = Badge(badge).label if badge in Badge.values else ""  # type: ignore[attr-defined]
        post.praise_icon = BADGE_ICONS.get(Badge(badge), "award") if badge in Badge.values else "award"  # type: ignore[attr-defined]  # hydrated for cards
        post.praised = people  # type: ignore[attr-defined]  # hydrated for cards
        kind_rows.keep(post, "praise", (badge, [(u.pk, u.handle, u.get_full_name()) for u in people]))


kind_rows.register("praise", wants=lambda post: post.kind == PostKind.PRAISE, load=_load)
