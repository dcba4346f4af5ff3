"""Writes of compliance: retention policies, legal holds, compliance exports. Each is checked, audited in its
own transaction, and refused with a message in the actor's language when it makes no sense."""

from __future__ import annotations

import logging
import tempfile
from datetime import date, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.compliance import export as export_writer
from essaim.compliance.models import ComplianceExport, LegalHold, RetentionPolicy
from essaim.core.archives import sha256_of
from essaim.spaces.models import Space

logger = logging.getLogger(__name__)

KEEP = timedelta(days=30)  # how long a compliance export stays downloadable
MAX_RANGE = timedelta(days=3660)  # ten years: an export asks for a range, not for everything since 1970


def _person_label(user: User) -> str:
    return f"{user.get_full_name() or user.email} (@{user.handle})"


# --- retention


@transaction.atomic
def retention_policy_set(*, actor: Actor, space: Space | None, mode: str, days: int) -> RetentionPolicy:
    """The network's policy (``space`` None) or a space's: what happens to posts older than ``days``."""
    access.require(actor, Action.MANAGE_RETENTION)
    scope = RetentionPolicy.objects.filter(space=space) if space else RetentionPolicy.objects.filter(space__isnull=True)
    policy = scope.first()
    before = (policy.mode, policy.days) if policy else None
    policy = policy or RetentionPolicy(space=space)
    policy.mode, policy.days = mode, days
    policy.changed_by_id, policy.changed_at = actor.pk, timezone.now()
    policy.full_clean(validate_constraints=False)
    policy.save()
    record(
        AuditAction.RETENTION_SET,
        actor=actor,
        target=policy,
        space_id=policy.space_id,
        label=space.name if space else _("The whole network"),
        changed={"mode": [before[0] if before else "", mode], "days": [before[1] if before else "", days]},
    )
    return policy


@transaction.atomic
def retention_policy_remove(*, actor: Actor, policy: RetentionPolicy) -> None:
    access.require(actor, Action.MANAGE_RETENTION)
    record(
        AuditAction.RETENTION_REMOVED,
        actor=actor,
        target=policy,
        space_id=policy.space_id,
        label=policy.space.name if policy.space else _("The whole network"),
        mode=policy.mode,
        days=policy.days,
    )
    policy.delete()


# --- legal holds


@transaction.atomic
def legal_hold_place(*, actor: Actor, reason: str, user: User | None = None, space: Space | None = None) -> LegalHold:
    """Hold a person's or a space's content: kept from retention and from deletion until released."""
    access.require(actor, Action.SET_LEGAL_HOLD)
    if (user is None) == (space is None):
        raise ValidationError(_("Choose a person or a space to hold."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the reason is kept with the hold and in the audit log.")})
    active = LegalHold.objects.filter(released_at__isnull=True)
    if active.filter(user=user, space=space).exists():
        raise ValidationError(_("A legal hold already covers them: release it first to place another."))
    hold = LegalHold(user=user, space=space, reason=reason, placed_by_id=actor.pk, placed_at=timezone.now())
    hold.full_clean()
    hold.save()
    record(
        AuditAction.LEGAL_HOLD_PLACED,
        actor=actor,
        target=hold,
        space_id=space.pk if space else None,
        label=_person_label(user) if user else (space.name if space else ""),
        reason=reason,
    )
    return hold


@transaction.atomic
def legal_hold_release(*, actor: Actor, hold: LegalHold) -> LegalHold:
    access.require(actor, Action.SET_LEGAL_HOLD)
    if hold.released_at is not None:
        raise ValidationError(_("This legal hold was already released."))
    hold.released_at, hold.released_by_id = timezone.now(), actor.pk
    hold.save(update_fields=["released_at", "released_by"])
    record(
        AuditAction.LEGAL_HOLD_RELEASED,
        actor=actor,
        target=hold,
        space_id=hold.space_id,
        label=_person_label(hold.user) if hold.user else (hold.space.name if hold.space else ""),
    )
    return hold


# --- compliance exports


def compliance_export_request(
    *, actor: Actor, since: date, until: date, user: User | None = None, space: Space | None = None
) -> ComplianceExport:
    """Ask for everything ``user`` or ``space`` wrote from ``since`` to ``until`` (both included): the task
    worker prepares it (``compliance_export_build``)."""
    access.require(actor, Action.EXPORT_COMPLIANCE)
    if (user is None) == (space is None):
        raise ValidationError(_("Choose a person or a space to export."))
    if until < since:
        raise ValidationError({"until": _("The end of the range comes before its start.")})
    if until - since > MAX_RANGE:
        raise ValidationError({"until": _("Ask for ten years at most in one export.")})
    label = _person_label(user) if user else (space.name if space else "")
    with transaction.atomic():
        export = ComplianceExport.objects.create(
            requested_by_id=actor.pk,
            user=user,
            space=space,
            subject_label=label[:200],
            since=since,
            until=until,
            requested_at=timezone.now(),
        )
        record(
            AuditAction.COMPLIANCE_EXPORT_REQUESTED,
            actor=actor,
            target=export,
            space_id=space.pk if space else None,
            label=label,
            since=since.isoformat(),
            until=until.isoformat(),
        )
        transaction.on_commit(lambda: compliance_export_build.enqueue(export.pk))
    return export


@task()
def compliance_export_build(export_id: int) -> str:
    """Prepare one export (the task worker). Idempotent: one already made or failed is left as it is."""
    export = ComplianceExport.objects.select_related("user", "space", "requested_by").filter(pk=export_id).first()
    if export is None or export.status != ComplianceExport.Status.PENDING:
        return "nothing to do"
    try:
        compliance_export_write(export)
    except Exception:
        logger.exception("The compliance export %s could not be written", export_id)
        ComplianceExport.objects.filter(pk=export_id).update(
            status=ComplianceExport.Status.FAILED, finished_at=timezone.now()
        )
        raise
    return export.file.name or ""


def compliance_export_write(export: ComplianceExport) -> ComplianceExport:
    """Write ``export``'s archive into the private storage and mark it ready."""
    with tempfile.TemporaryDirectory(prefix="essaim-compliance-") as directory:
        path = Path(directory) / f"essaim-compliance-{export.pk}-{timezone.now():%Y%m%d-%H%M%S}.zip"
        manifest = export_writer.write(export, path)
        export.sha256 = sha256_of(path)
        with path.open("rb") as written:
            export.file.save(f"compliance/exports/{path.name}", File(written), save=False)
        export.size = path.stat().st_size
    export.counts = manifest["counts"]
    export.status = ComplianceExport.Status.READY
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "size", "sha256", "counts", "status", "finished_at"])
    return export


def compliance_exports_for(*, actor: Actor) -> list[ComplianceExport]:
    """The exports the actor asked for, still kept, newest first."""
    access.require(actor, Action.EXPORT_COMPLIANCE)
    kept = ComplianceExport.objects.filter(requested_at__gt=timezone.now() - KEEP).select_related("user", "space")
    return list(access.visible(actor, kept)[:100])


@transaction.atomic
def compliance_export_download(*, actor: Actor, export_id: int) -> ComplianceExport:
    """One of the actor's ready exports (404 for anyone else's, one not ready, or one forgotten), its
    download recorded in the audit log."""
    export = (
        access.visible(actor, ComplianceExport.objects.filter(status=ComplianceExport.Status.READY))
        .filter(pk=export_id)
        .first()
    )
    if export is None or not export.file:
        raise Http404
    record(
        AuditAction.COMPLIANCE_EXPORT_DOWNLOADED,
        actor=actor,
        target=export,
        space_id=export.space_id,
        label=export.subject_label,
        sha256=export.sha256,
    )
    return export


def compliance_exports_forget() -> int:
    """Forget the exports older than ``KEEP`` (the periodic job), their files with them; how many."""
    old = list(ComplianceExport.objects.filter(requested_at__lte=timezone.now() - KEEP))
    for export in old:
        if export.file:
            export.file.delete(save=False)
    ComplianceExport.objects.filter(pk__in=[export.pk for export in old]).delete()
    return len(old)
