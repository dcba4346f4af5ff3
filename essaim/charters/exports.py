"""Who accepted which charter, when: a CSV file streamed row by row."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from essaim.charters.models import CharterAcceptance

COLUMNS = ("name", "email", "handle", "charter", "version", "accepted_at")


class _Line:
    """A file-like object that hands back what ``csv.writer`` writes."""

    def write(self, value: str) -> str:
        return value


def csv_lines(acceptances: Iterable[CharterAcceptance]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(COLUMNS)  # the byte-order mark: spreadsheets then read UTF-8
    for acceptance in acceptances:
        user, charter = acceptance.user, acceptance.charter
        scope = charter.space.slug if charter.space is not None else "network"
        yield writer.writerow(
            [
                _cell(user.get_full_name()),
                _cell(user.email),
                _cell(user.handle),
                scope,
                charter.version,
                acceptance.accepted_at.isoformat(),
            ]
        )


def _cell(value: str) -> str:
    """A spreadsheet never runs what someone typed as their name: a leading formula sign is quoted."""
    return f"'{value}" if value[:1] in {"=", "+", "-", "@"} else value
