"""Each target's name is remembered once, beside the log, for the viewer's search by words."""

from __future__ import annotations

import pytest

from essaim.audit.models import AuditAction, AuditEntry, AuditTargetLabel
from essaim.audit.services import rebuild_target_labels, record
from tests.accounts.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_record_remembers_a_targets_name_once() -> None:
    admin, lea = AdminFactory(), UserFactory(first_name="Léa", last_name="Martin")
    record(AuditAction.USER_DEACTIVATED, actor=admin, target=lea)
    record(AuditAction.USER_REACTIVATED, actor=admin, target=lea)
    record(AuditAction.NETWORK_RENAMED, actor=admin, previous="Old", name="New")  # no target: no name
    assert list(AuditTargetLabel.objects.values_list("label", flat=True)) == [str(lea)]


def test_entries_written_around_record_are_remembered_by_a_rebuild() -> None:
    record(AuditAction.USER_DEACTIVATED, actor=None, label="Déjà connue")
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(action=AuditAction.USER_DEACTIVATED, target_label=name)
            for name in ("Déjà connue", "Restaurée", "")
        ]
    )
    assert rebuild_target_labels() == 1
    assert sorted(AuditTargetLabel.objects.values_list("label", flat=True)) == ["Déjà connue", "Restaurée"]
    assert rebuild_target_labels() == 0
