"""Publishing a version of a charter (the network's or a space's) and accepting one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from essaim.access import Action, require, roles
from essaim.access.roles import Actor
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.charters import selectors
from essaim.charters.models import Charter, CharterAcceptance
from essaim.spaces.models import Space


@transaction.atomic
def charter_publish(
    *, actor: Actor, body_fr: str, body_en: str, requires_acceptance: bool, space: Space | None = None
) -> Charter:
    """Publish the next version of the network's charter (``space`` None) or of ``space``'s.

    A version that ``requires_acceptance`` asks everyone again, at their next page; one that does not (a typo)
    is shown from now on to whoever reads the charter, and asks nobody. The first version always asks: a
    charter is there to be accepted. Its publisher has accepted it.
    """
    if space is None:
        require(actor, Action.MANAGE_CHARTER)
    else:
        require(actor, Action.EDIT_CHARTER, space)
    body_fr, body_en = body_fr.strip(), body_en.strip()
    if not body_fr and not body_en:
        raise ValidationError(_("Write the charter's text in French, in English, or in both."))
    scope = Charter.objects.filter(space=space) if space is not None else Charter.objects.filter(space__isnull=True)
    latest = scope.aggregate(latest=Max("version"))["latest"] or 0
    charter = Charter(
        space=space,
        version=latest + 1,
        body_fr=body_fr,
        body_en=body_en,
        requires_acceptance=requires_acceptance or latest == 0,
        published_by=actor,
    )
    charter.full_clean(exclude=["space", "published_by"], validate_constraints=False)
    charter.save()
    CharterAcceptance.objects.create(user=actor, charter=charter)
    action = AuditAction.CHARTER_PUBLISHED if space is None else AuditAction.SPACE_CHARTER_PUBLISHED
    record(
        action,
        actor=actor,
        target=charter,
        space_id=space.pk if space is not None else None,
        version=charter.version,
        requires_acceptance=charter.requires_acceptance,
    )
    space_id = space.pk if space is not None else None
    selectors.requirement_forget(space_id)  # this transaction's next reads see the new version
    transaction.on_commit(lambda: selectors.requirement_forget(space_id))  # and others' once it is committed
    return charter


@transaction.atomic
def charter_accept(*, actor: Actor, charter: Charter) -> CharterAcceptance:
    """``actor`` accepts ``charter``, which must be its scope's current version; accepting twice changes nothing."""
    if not roles.is_signed_in(actor):
        raise PermissionDenied(_("Sign in to accept the usage charter."))
    if charter.space_id is not None:
        require(actor, Action.VIEW, charter.space)
    current = selectors.charter_current(space_id=charter.space_id)
    if current is None or current.pk != charter.pk:
        raise ValidationError(_("A newer version of the charter was published: read it, then accept it."))
    acceptance, _created = CharterAcceptance.objects.get_or_create(user_id=actor.pk, charter=charter)
    return acceptance
