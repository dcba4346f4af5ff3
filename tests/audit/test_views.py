"""/manage/audit/: the log a page at a time, newest first, filtered; exports as CSV and JSON that are logged
themselves; bad filters answered 400 in the reader's language, never a 500."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essaim.audit.models import AuditAction, AuditEntry
from essaim.audit.services import record
from tests.accounts.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("audit:list")


@pytest.fixture
def admin(client: Client) -> Any:
    person = AdminFactory(first_name="Camille", last_name="Moreau", handle="camille", language="en")
    client.force_login(person)
    return person


@pytest.fixture
def log(admin: Any) -> dict[str, Any]:
    other = AdminFactory(first_name="Hugo", last_name="Roux", handle="hugo")
    lea = UserFactory(first_name="Léa", last_name="Martin")
    return {
        "renamed": record(AuditAction.NETWORK_RENAMED, actor=admin, previous="Old", name="New"),
        "granted": record(AuditAction.ROLE_GRANTED, actor=other, target=lea, role="network_admin"),
        "deactivated": record(AuditAction.USER_DEACTIVATED, actor=admin, target=lea),
        "lea": lea,
    }


def test_the_newest_entries_first_with_who_what_and_on_whom(client: Client, log: dict[str, Any]) -> None:
    page = client.get(URL)
    assert page.status_code == 200
    text = page.text
    assert text.index("Account deactivated") < text.index("Network role granted") < text.index("Network renamed")
    assert "Hugo Roux (@hugo)" in text
    assert "Léa Martin" in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "@hugo"}, {"granted"}),
        ({"actor": "hugo"}, {"granted"}),
        ({"action": "user.deactivated"}, {"deactivated"}),
        ({"target": "martin"}, {"granted", "deactivated"}),
        ({"actor": "@camille", "target": "martin"}, {"deactivated"}),
    ],
)
def test_filters(client: Client, log: dict[str, Any], query: dict[str, str], expected: set[str]) -> None:
    page = client.get(URL, query)
    assert page.status_code == 200
    labels = {"renamed": "Network renamed", "granted": "Network role granted", "deactivated": "Account deactivated"}
    assert {name for name, label in labels.items() if f">{label}</div></td>" in page.text} == expected


def test_a_target_by_id(client: Client, log: dict[str, Any]) -> None:
    page = client.get(URL, {"target": str(log["lea"].pk)})
    assert ">Network role granted</div></td>" in page.text
    assert ">Network renamed</div></td>" not in page.text


def test_dates_in_the_readers_days(client: Client, log: dict[str, Any]) -> None:
    today = timezone.localdate()
    assert ">Network renamed</div></td>" in client.get(URL, {"since": today, "until": today}).text
    yesterday = today - timedelta(days=1)
    assert "No entry matches these filters." in client.get(URL, {"until": yesterday}).text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"actor": "@nobody"}, "Nobody has this handle or e-mail address."),
        ({"action": "user.exploded"}, "Select a valid choice."),
        ({"since": "2026-13-45"}, "Enter a valid date."),
        ({"since": "2026-12-07", "until": "2026-12-01"}, "The end date is before the start date."),
        ({"max_id": "abc"}, "The max_id parameter must be"),
    ],
)
def test_bad_filters_are_a_400_that_says_why(client: Client, admin: Any, query: dict[str, str], message: str) -> None:
    page = client.get(URL, query)
    assert page.status_code == 400
    assert message in page.text


def test_bad_filters_are_explained_in_french(client: Client, admin: Any) -> None:
    admin.language = "fr"
    admin.save(update_fields=["language"])
    page = client.get(URL, {"actor": "@personne"}, headers={"accept-language": "fr"})
    assert page.status_code == 400
    assert "Personne n’a cet identifiant ni cette adresse e-mail." in page.text


def test_older_entries_a_page_at_a_time_keeping_the_filters(client: Client, admin: Any) -> None:
    for index in range(35):
        record(AuditAction.NETWORK_RENAMED, actor=admin, name=f"Name {index}")
    first = client.get(URL, {"action": "network.renamed"})
    assert first.text.count(">Network renamed</div></td>") == 30
    assert "action=network.renamed&amp;max_id=" in first.text
    oldest_shown = AuditEntry.objects.order_by("-id")[29].id
    second = client.get(URL, {"action": "network.renamed", "max_id": oldest_shown})
    assert second.text.count(">Network renamed</div></td>") == 5
    assert "Older entries" not in second.text


def test_the_csv_export_holds_every_filtered_entry_and_is_logged(client: Client, log: dict[str, Any]) -> None:
    response = client.post(reverse("audit:export", kwargs={"fmt": "csv"}), {"target": "martin"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="essaim-audit-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert [row["action"] for row in rows] == ["user.deactivated", "user.role_granted"]
    assert json.loads(rows[1]["details"]) == {"role": "network_admin"}
    exported = AuditEntry.objects.order_by("-id").first()
    assert exported is not None
    assert exported.action == AuditAction.AUDIT_EXPORTED
    assert exported.details == {"format": "csv", "filters": {"target": "martin"}}


def test_the_json_export(client: Client, log: dict[str, Any]) -> None:
    response = client.post(reverse("audit:export", kwargs={"fmt": "json"}))
    entries = json.loads(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert [e["action"] for e in entries][-3:] == ["user.deactivated", "user.role_granted", "network.renamed"]
    assert entries[0]["action"] == "audit.exported", "the export itself comes first: it is the newest"
    assert entries[-1]["details"] == {"previous": "Old", "name": "New"}


def test_an_unknown_export_format_is_not_found(client: Client, admin: Any) -> None:
    assert client.post("/manage/audit/export.xml").status_code == 404


def test_an_export_with_bad_filters_is_a_400_and_logs_nothing(client: Client, admin: Any) -> None:
    response = client.post(reverse("audit:export", kwargs={"fmt": "csv"}), {"actor": "@nobody"})
    assert response.status_code == 400
    assert not AuditEntry.objects.exists()


def test_a_date_range_keeps_exactly_the_entries_of_those_days(client: Client, admin: Any) -> None:
    now = timezone.now()
    for days_ago in (10, 5, 5, 1):  # written in time order, as the log is
        AuditEntry.objects.create(
            action=AuditAction.NETWORK_RENAMED, at=now - timedelta(days=days_ago), details={"name": f"{days_ago} d"}
        )
    day = timezone.localdate(now - timedelta(days=5))
    page = client.get(URL, {"since": day, "until": day})
    assert page.text.count(">Network renamed</div></td>") == 2
    assert "10 d" not in page.text
    assert "1 d<" not in page.text


def test_words_found_in_many_names_read_the_entries_instead(
    client: Client, log: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("essaim.audit.selectors.LABELS", 0)  # "martin" is in one name: more than none
    page = client.get(URL, {"target": "martin"})
    assert {entry.pk for entry, _action, _lines in page.context["rows"]} == {
        log["granted"].pk,
        log["deactivated"].pk,
    }
