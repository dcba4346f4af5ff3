"""Writes of praise: recognise colleagues with a badge, in a post of kind ``praise`` that tells them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.events import emit
from essaim.events.types import PraiseGiven
from essaim.praise.models import MAX_PRAISED, Badge, Praise, PraisedPerson
from essaim.spaces.models import Space
from essaim.stream import services as stream_services
from essaim.stream.models import Post, PostKind, Visibility


def _check_people(actor: User, people: Sequence[User]) -> list[User]:
    chosen = list({person.pk: person for person in people}.values())
    if not chosen:
        raise ValidationError({"praised": _("Choose at least one colleague to praise.")})
    if len(chosen) > MAX_PRAISED:
        raise ValidationError({"praised": _("Praise %(limit)d colleagues at most at once.") % {"limit": MAX_PRAISED}})
    if any(person.pk == actor.pk for person in chosen):
        raise ValidationError({"praised": _("Praise colleagues, not yourself.")})
    if any(not person.is_active for person in chosen):
        raise ValidationError({"praised": _("One of these people can no longer be praised: their account is closed.")})
    return chosen


def praise_give(
    *,
    actor: User,
    people: Sequence[User],
    badge: str,
    body: str,
    visibility: str = Visibility.COMPANY,
    space: Space | None = None,
) -> Post:
    """Praise ``people`` with ``badge`` in a post of kind ``praise`` (``body`` says what for): they are told,
    and their profiles count it. Everyone the post's audience reaches sees it in their feed. The post and its
    praise are written together (``stream.services.post_create`` with the praise kind: ``praise_prepare``,
    then ``praise_write``)."""
    return stream_services.post_create(
        actor=actor,
        body=body,
        visibility=visibility,
        space=space,
        kind=PostKind.PRAISE,
        kind_data={"people": list(people), "badge": badge},
    )


@dataclass(frozen=True)
class PraiseInput:
    badge: str
    people: list[User]


def praise_prepare(*, actor: User, data: Mapping[str, Any]) -> PraiseInput:
    """The praise kind's input checked (``stream.kinds``), before the post's transaction: ``people`` (users, from
    the API) or ``praised`` (the composer's handles), and ``badge``."""
    access.require(actor, Action.GIVE_PRAISE)
    badge = str(data.get("badge") or "")
    if badge not in Badge.values:
        raise ValidationError({"badge": _("Choose a badge.")})
    people = data.get("people")
    if people is None:
        from essaim.praise.selectors import people_named_for

        people = people_named_for(actor=actor, text=str(data.get("praised") or ""))
    return PraiseInput(badge=badge, people=_check_people(actor, people))


def praise_write(*, actor: User, post: Post, prepared: PraiseInput) -> None:
    """The praise's rows, in its post's transaction (``stream.kinds``), and the word to those praised."""
    Praise.objects.create(post=post, badge=prepared.badge)
    PraisedPerson.objects.bulk_create(
        [PraisedPerson(post=post, user=person, position=n) for n, person in enumerate(prepared.people)]
    )
    praised = tuple(p.pk for p in prepared.people)
    emit(PraiseGiven(actor_id=actor.pk, post_id=post.pk, praised_ids=praised, badge=prepared.badge))
