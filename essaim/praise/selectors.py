"""Reads of praise: the rows on cards, a person's praise received (count and latest: never a ranking)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F

from essaim import access
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.praise.models import Praise, PraisedPerson
from essaim.stream.models import Post

LATEST = 5


def praise_rows(*, posts: list[Post]) -> dict[int, tuple[Praise, list[User]]]:
    """The badge and the people of each praise among ``posts`` (readable ones): one query."""
    rows = (
        PraisedPerson.objects.filter(post_id__in=[p.pk for p in posts])
        .select_related("user__profile")
        .annotate(badge=F("post__praise__badge"))
        .order_by("post_id", "position")
    )
    people: dict[int, list[User]] = defaultdict(list)
    badges: dict[int, str] = {}
    for row in rows:
        people[row.post_id].append(row.user)
        badges[row.post_id] = row.badge
    return {pk: (Praise(post_id=pk, badge=badges[pk]), found) for pk, found in people.items()}


@dataclass(frozen=True)
class Received:
    count: int  # the praise ``actor`` may read
    latest: list[Post]  # newest first, hydrated as feeds are (their cards)


def praise_received_for(*, actor: Actor, person: User, latest: int = LATEST) -> Received:
    """The praise ``person`` received that ``actor`` may read: how many, and the latest."""
    posts = access.visible(
        actor, Post.objects.filter(pk__in=PraisedPerson.objects.filter(user=person).values("post_id"))
    )
    count = posts.count()
    newest = list(posts.select_related("author__profile", "space").order_by("-pk")[:latest]) if count else []
    return Received(count=count, latest=newest)


def people_named_for(*, actor: Actor, text: str) -> list[User]:
    """The people ``text`` names by handle (``@lea.martin @eloise.dupre``, commas or spaces between), in order,
    among those ``actor`` may see; an unknown handle is refused with its name."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    handles = [h.lstrip("@") for h in text.replace(",", " ").split() if h.lstrip("@")]
    handles = list(dict.fromkeys(handles))
    found = {u.handle: u for u in access.visible(actor, User.objects.filter(handle__in=handles, is_active=True))}
    unknown = [h for h in handles if h not in found]
    if unknown:
        raise ValidationError(
            {
                "praised": _("No colleague has the handle @%(handle)s: pick them from the suggestions.")
                % {"handle": unknown[0]}
            }
        )
    return [found[h] for h in handles]
