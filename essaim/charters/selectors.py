"""What the charters' pages, the middleware and the spaces ask: the current version, what someone must accept.

Asked on every page: what the network requires (the newest version that asked everyone to accept it) is
cached, with "nothing" cached too, so a network without a charter, or whose people accepted it, costs no query
a page (the middleware keeps the version someone accepted in their session). Publishing a version forgets the
cached requirement once its transaction commits; other processes' local caches see it within ``REQUIREMENT_TTL``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, QuerySet

from essaim.access import Action, require
from essaim.access.roles import Actor
from essaim.charters.models import Charter, CharterAcceptance

REQUIREMENT_TTL = 60  # seconds
EXPORT_CHUNK = 2000
NONE = 0  # cached for "no version requires acceptance" (a miss is None)


@dataclass(frozen=True)
class Requirement:
    """The newest version of a scope's charter that asked everyone to accept it."""

    charter_id: int
    version: int


def requirement_key(space_id: int | None) -> str:
    return f"charters:required:{space_id or 'network'}:v1"


def _scope(space_id: int | None) -> QuerySet[Charter]:
    return Charter.objects.filter(space_id=space_id) if space_id else Charter.objects.filter(space__isnull=True)


def requirement(space_id: int | None = None) -> Requirement | None:
    """What the network (or the space ``space_id``) requires, cached; ``None`` when nothing is required."""
    key = requirement_key(space_id)
    found = cache.get(key)
    if found is None:
        row = _scope(space_id).filter(requires_acceptance=True).order_by("-version").values("id", "version").first()
        found = (row["id"], row["version"]) if row else NONE
        cache.set(key, found, REQUIREMENT_TTL)
    return Requirement(*found) if found != NONE else None


def requirement_forget(space_id: int | None = None) -> None:
    cache.delete(requirement_key(space_id))


def has_accepted(*, user: Actor, required: Requirement, space_id: int | None = None) -> bool:
    """Whether ``user`` accepted ``required``'s version or a later one of the same charter: one query."""
    accepted = CharterAcceptance.objects.filter(user_id=user.pk, charter__version__gte=required.version)
    if space_id:
        return accepted.filter(charter__space_id=space_id).exists()
    return accepted.filter(charter__space__isnull=True).exists()


def _pending(user: Actor, space_id: int | None) -> Charter | None:
    required = requirement(space_id)
    if required is None or not getattr(user, "is_authenticated", False):
        return None
    if has_accepted(user=user, required=required, space_id=space_id):
        return None
    return charter_current(space_id=space_id)


def pending_for(user: Actor) -> Charter | None:
    """The network charter ``user`` must accept before anything else (its current version), or ``None``."""
    return _pending(user, None)


def space_pending_for(user: Actor, space_id: int) -> Charter | None:
    """The charter of the space ``space_id`` that ``user`` must accept before entering it, or ``None``."""
    return _pending(user, space_id)


def charter_current(*, space_id: int | None = None) -> Charter | None:
    """The newest version of the network's charter (or the space's), whether or not it asked for acceptance."""
    return _scope(space_id).select_related("published_by").order_by("-version").first()


def charter_history(*, space_id: int | None = None, limit: int = 50) -> list[Charter]:
    """The versions, newest first, each with how many people accepted it (``accepted``)."""
    versions = _scope(space_id).select_related("published_by").annotate(accepted=Count("acceptances"))
    return list(versions.order_by("-version")[:limit])


def acceptance_of(*, user: Actor, charter: Charter) -> CharterAcceptance | None:
    """``user``'s acceptance of ``charter`` or of a later version of it (the one that covers it)."""
    if not getattr(user, "is_authenticated", False):
        return None
    accepted = CharterAcceptance.objects.filter(user_id=user.pk, charter__version__gte=charter.version)
    accepted = (
        accepted.filter(charter__space_id=charter.space_id)
        if charter.space_id
        else accepted.filter(charter__space__isnull=True)
    )
    return accepted.select_related("charter").order_by("charter__version").first()


def acceptance_count(*, charter: Charter) -> int:
    return charter.acceptances.count()


def acceptances_to_export(*, actor: Actor) -> Iterator[CharterAcceptance]:
    """Every acceptance, the network's and the spaces', oldest first, read by chunks (memory stays bounded)."""
    require(actor, Action.EXPORT_CHARTER_ACCEPTANCES)
    after = 0
    while True:
        rows = list(
            CharterAcceptance.objects.filter(pk__gt=after)
            .select_related("user", "charter__space")
            .order_by("pk")[:EXPORT_CHUNK]
        )
        yield from rows
        if len(rows) < EXPORT_CHUNK:
            return
        after = rows[-1].pk
