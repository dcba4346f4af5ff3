"""Writes of praise: recognise colleagues with a badge, in a post of kind ``praise`` that tells them."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
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
    and their profiles count it. Everyone the post's audience reaches sees it in their feed."""
    access.require(actor, Action.GIVE_PRAISE)
    if badge not in Badge.values:
        raise ValidationError({"badge": _("Choose a badge.")})
    chosen = _check_people(actor, people)
    with transaction.atomic():
        post = stream_services.post_create(
            actor=actor, body=body, visibility=visibility, space=space, kind=PostKind.PRAISE
        )
        Praise.objects.create(post=post, badge=badge)
        PraisedPerson.objects.bulk_create(
            [PraisedPerson(post=post, user=person, position=n) for n, person in enumerate(chosen)]
        )
        emit(PraiseGiven(actor_id=actor.pk, post_id=post.pk, praised_ids=tuple(p.pk for p in chosen), badge=badge))
    return post
