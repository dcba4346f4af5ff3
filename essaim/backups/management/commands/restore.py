"""``manage.py restore ARCHIVE``: an archive back into an empty data directory or database, checked whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.backups.restore import RestoreError, restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty site, check every table's rows and every file, then migrate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore(Path(options["archive"]))
        except RestoreError as refused:
            raise CommandError(str(refused)) from refused
        call_command("migrate", verbosity=0, interactive=False)  # an archive of an older schema moves forward
        rows = sum(manifest.counts.values())
        self.stdout.write(
            f"Restored {rows:,} rows in {len(manifest.counts)} tables and {len(manifest.files):,} files, "
            f"backed up {manifest.created_at} by Essaim {manifest.essaim_version}; every count and checksum matches."
        )
