"""``record``: what the services call, inside their transaction, when a privileged action succeeds."""

from __future__ import annotations

from typing import Any

from django.db import connection, models

from essaim.audit.models import AuditAction, AuditEntry, AuditTargetLabel

LABEL_MAX = 200


def record(
    action: AuditAction,
    *,
    actor: Any | None,
    target: models.Model | None = None,
    space_id: int | None = None,
    label: str = "",
    **details: Any,
) -> AuditEntry:
    """Write one entry: ``actor`` (a signed-in person, a token that names itself — ``audit_name`` —, ``None`` for
    the system), ``target`` (any row) and the
    words that name it (``label``; by default the row's ``str()``: pass one that tells no content, as for a post,
    which compliance must not read here), the space it happened in, and ``details`` (JSON: what changed, from
    what to what). In the caller's transaction: if
    the action rolls back, so does its entry."""
    person = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    # An actor that is not a person names itself (a SCIM token: ``scim.actors.DirectoryActor``); no actor id.
    actor_name = _person(person) if person is not None else str(getattr(actor, "audit_name", ""))[:LABEL_MAX]
    entry = AuditEntry.objects.create(
        action=action,
        actor_id=person.pk if person is not None else None,
        actor_name=actor_name,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(label or (str(target) if target is not None else ""))[:LABEL_MAX],
        space_id=space_id,
        details=details,
    )
    if entry.target_label:
        AuditTargetLabel.objects.bulk_create([AuditTargetLabel(label=entry.target_label)], ignore_conflicts=True)
    return entry


def _person(actor: Any) -> str:
    name = actor.get_full_name() or actor.email
    handle = getattr(actor, "handle", "")
    return f"{name} (@{handle})"[:LABEL_MAX] if handle else str(name)[:LABEL_MAX]


def rebuild_target_labels() -> int:
    """Remember every target label the log holds (after entries were written around ``record``: a restore, a
    benchmark's bulk insert); returns how many labels were new."""
    entries, labels = AuditEntry._meta.db_table, AuditTargetLabel._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {labels} (label) SELECT DISTINCT target_label FROM {entries} "  # noqa: S608 (table names)
            f"WHERE target_label <> '' AND target_label NOT IN (SELECT label FROM {labels})"
        )
        return max(cursor.rowcount, 0)
