"""The audit log is append-only: an entry is written once and never changed nor deleted, by the ORM, the raw
data admin, or (on PostgreSQL) any SQL at all."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from essaim.audit.models import AppendOnlyError, AuditAction, AuditEntry
from essaim.audit.services import record
from tests.accounts.factories import AdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry() -> AuditEntry:
    return record(AuditAction.NETWORK_RENAMED, actor=AdminFactory(), previous="Old", name="New")


def test_an_entry_cannot_be_saved_again(entry: AuditEntry) -> None:
    entry.details = {"previous": "Forged"}
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get().details == {"previous": "Old", "name": "New"}


def test_an_entry_cannot_be_deleted(entry: AuditEntry) -> None:
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.count() == 1


def test_query_sets_refuse_to_update_or_delete(entry: AuditEntry) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_name="Nobody")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().actor_name == entry.actor_name


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database's own refusal is PostgreSQL's trigger")
@pytest.mark.parametrize(
    "statement", ["UPDATE audit_auditentry SET actor_name = 'Nobody'", "DELETE FROM audit_auditentry"]
)
def test_postgresql_refuses_any_sql_that_changes_or_deletes_an_entry(entry: AuditEntry, statement: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.get().actor_name == entry.actor_name


def test_the_raw_data_admin_only_reads_entries(entry: AuditEntry, client: Client) -> None:
    client.force_login(AdminFactory(is_staff=True, is_superuser=True))
    admin_client = client
    listing = admin_client.get("/django-admin/audit/auditentry/")
    assert listing.status_code == 200
    assert admin_client.get(f"/django-admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert admin_client.get("/django-admin/audit/auditentry/add/").status_code == 403
    changed = admin_client.post(f"/django-admin/audit/auditentry/{entry.pk}/change/", {"actor_name": "Nobody"})
    assert changed.status_code == 403
    assert AuditEntry.objects.get().actor_name == entry.actor_name
