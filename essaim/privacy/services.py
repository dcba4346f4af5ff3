"""A person's archive of their data, asked for by them; an account erased by a network administrator."""

from __future__ import annotations

import hashlib
import logging
import tempfile
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action, roles
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.compliance import holds
from essaim.privacy import archive, erasure
from essaim.privacy.models import DataExport

logger = logging.getLogger(__name__)

KEEP = timedelta(days=7)  # how long an archive stays downloadable
PENDING_FOR = timedelta(hours=1)  # an archive still "being prepared" after this failed with its worker


# --- the person's archive


def data_export_request(*, actor: Actor) -> DataExport:
    """The actor asks for an archive of their data: the task worker prepares it. One at a time."""
    access.require(actor, Action.EXPORT_OWN_DATA)
    with transaction.atomic():
        since = timezone.now() - PENDING_FOR
        if DataExport.objects.filter(
            user_id=actor.pk, status=DataExport.Status.PENDING, requested_at__gt=since
        ).exists():
            raise ValidationError(
                _("Your archive is already being prepared: it appears on this page when it is ready.")
            )
        export = DataExport.objects.create(user_id=actor.pk)
        transaction.on_commit(lambda: data_export_build.enqueue(export.pk))
    return export


@task()
def data_export_build(export_id: int) -> str:
    """Prepare one archive (the task worker). Idempotent: an archive already made or failed is left as it is."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.PENDING:
        return "nothing to do"
    try:
        data_export_write(export)
    except Exception:
        logger.exception("The personal data archive %s could not be written", export_id)
        DataExport.objects.filter(pk=export_id).update(status=DataExport.Status.FAILED, finished_at=timezone.now())
        raise
    return export.file.name or ""


def data_export_write(export: DataExport) -> DataExport:
    """Write ``export``'s archive into the private storage and mark it ready."""
    user = export.user
    with tempfile.TemporaryDirectory(prefix="essaim-export-") as directory:
        path = Path(directory) / f"essaim-{user.handle}-{timezone.now():%Y%m%d-%H%M%S}.zip"
        archive.write(user, path)
        digest = hashlib.sha256()
        with path.open("rb") as written:
            while block := written.read(1 << 16):
                digest.update(block)
        with path.open("rb") as written:
            export.file.save(f"exports/{user.pk}/{path.name}", File(written), save=False)
        export.size = path.stat().st_size
    export.sha256 = digest.hexdigest()
    export.status = DataExport.Status.READY
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "size", "sha256", "status", "finished_at"])
    return export


def data_exports_for(*, actor: Actor) -> list[DataExport]:
    """The actor's own archives still kept, newest first."""
    access.require(actor, Action.EXPORT_OWN_DATA)
    return list(access.visible(actor, DataExport.objects.filter(requested_at__gt=timezone.now() - KEEP)))


def data_export_get_for(*, actor: Actor, export_id: int) -> DataExport:
    """One of the actor's ready archives (404 for anyone else's, and for one not ready or forgotten)."""
    export = (
        access.visible(actor, DataExport.objects.filter(status=DataExport.Status.READY)).filter(pk=export_id).first()
    )
    if export is None or not export.file:
        raise Http404
    return export


def data_exports_forget() -> int:
    """Forget the archives older than ``KEEP`` (the periodic job), their files with them; how many."""
    old = list(DataExport.objects.filter(requested_at__lte=timezone.now() - KEEP))
    for export in old:
        if export.file:
            export.file.delete(save=False)
    DataExport.objects.filter(pk__in=[export.pk for export in old]).delete()
    return len(old)


# --- erasure


@transaction.atomic
def account_erase(*, actor: Actor, user: User, keep_content: bool) -> None:
    """Erase ``user`` (``privacy.erasure``): everything they wrote goes, or stays under an anonymous name.

    Recorded in the audit log first, under the name the person had: the log is what remains of them.
    """
    access.require(actor, Action.ERASE_PEOPLE)
    if roles.is_self(actor, user):
        raise ValidationError(_("You cannot erase your own account."))
    if holds.person_is_held(user.pk):
        raise ValidationError(_("This person is under legal hold: their account cannot be erased or anonymised."))
    if not keep_content and holds.wrote_in_held_spaces(user.pk):
        raise ValidationError(
            _("Some of what they wrote is in a space under legal hold: keep their content, anonymised, instead.")
        )
    record(
        AuditAction.ACCOUNT_ANONYMISED if keep_content else AuditAction.ACCOUNT_ERASED,
        actor=actor,
        target=user,
        label=f"{user.get_full_name()} (@{user.handle})",
    )
    if keep_content:
        erasure.anonymise(user, actor_id=actor.pk)
    else:
        erasure.erase(user, actor_id=actor.pk)
