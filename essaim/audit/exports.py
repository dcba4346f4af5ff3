"""The audit log as a CSV or JSON file, streamed row by row: a million entries never sit in memory."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from essaim.audit.models import AuditEntry

COLUMNS = ("id", "at", "actor_id", "actor", "action", "target_type", "target_id", "target", "space_id", "details")


def as_row(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor": entry.actor_name,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target": entry.target_label,
        "space_id": entry.space_id,
        "details": entry.details,
    }


class _Line:
    """A file-like object that hands back what ``csv.writer`` writes."""

    def write(self, value: str) -> str:
        return value


def csv_lines(entries: Iterable[AuditEntry]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(COLUMNS)  # the byte-order mark: spreadsheets then read UTF-8
    for entry in entries:
        row = as_row(entry)
        row["details"] = json.dumps(row["details"], ensure_ascii=False, sort_keys=True)
        yield writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])


def json_chunks(entries: Iterable[AuditEntry]) -> Iterator[str]:
    yield "["
    for index, entry in enumerate(entries):
        yield ("," if index else "") + "\n" + json.dumps(as_row(entry), ensure_ascii=False)
    yield "\n]\n"
