"""``manage.py migrate_to_postgres URL``: this SQLite site's data into an empty PostgreSQL database, checked."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.backups.to_postgres import MoveError, move


class Command(BaseCommand):
    help = "Copy this SQLite site into an empty PostgreSQL database (ids, timelines and files untouched)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="postgres://user@host:5432/name of an empty database")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = move(options["url"], say=self.stdout.write)
        except MoveError as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"Moved {sum(counts.values()):,} rows in {len(counts)} tables; every count matches.")
        self.stdout.write("Uploaded files stay in the data directory. The one setting to change:")
        self.stdout.write(f"    ESSAIM_DATABASE_URL={options['url']}")
