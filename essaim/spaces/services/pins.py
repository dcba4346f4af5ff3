"""Posts that a space's moderators pin on top of the space's stream."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.spaces.models import Space, SpacePin
from essaim.stream.models import Post

PIN_LIMIT = 5


@transaction.atomic
def space_pin_add(*, actor: Actor, space: Space, post: Post) -> SpacePin:
    """Pin one of the space's posts on top of its stream; pinning twice changes nothing."""
    access.require(actor, Action.MODERATE, space)
    access.require(actor, Action.VIEW, post)
    if post.space_id != space.pk:
        raise ValidationError(_("Only a post published in this space can be pinned here."))
    existing = SpacePin.objects.filter(post=post).first()
    if existing is not None:
        return existing
    Space.objects.select_for_update().filter(pk=space.pk).first()  # one pinner at a time keeps the limit exact
    if SpacePin.objects.filter(space=space).count() >= PIN_LIMIT:
        raise ValidationError(
            _("At most %(count)d posts can be pinned in a space: unpin one first.") % {"count": PIN_LIMIT}
        )
    pin = SpacePin(space=space, post=post, pinned_by=actor)
    pin.full_clean(validate_constraints=False)
    pin.save()
    return pin


@transaction.atomic
def space_pin_remove(*, actor: Actor, space: Space, post: Post) -> bool:
    """Unpin a post (it stays in the stream). True if it was pinned."""
    access.require(actor, Action.MODERATE, space)
    deleted, _detail = SpacePin.objects.filter(space=space, post=post).delete()
    return bool(deleted)
