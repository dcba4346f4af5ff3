"""Who confirmed a must-read announcement and who has not: a CSV file streamed row by row."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime

from essaim.accounts.models import User
from essaim.charters.exports import _cell

COLUMNS = ("name", "email", "handle", "confirmed", "confirmed_at")


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[tuple[User, datetime | None]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(COLUMNS)  # the byte-order mark: spreadsheets then read UTF-8
    for user, confirmed_at in rows:
        yield writer.writerow(
            [
                _cell(user.get_full_name()),
                _cell(user.email),
                _cell(user.handle),
                "yes" if confirmed_at else "no",
                confirmed_at.isoformat() if confirmed_at else "",
            ]
        )
