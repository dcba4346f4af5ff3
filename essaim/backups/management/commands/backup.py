"""``manage.py backup [--output FILE]``: an archive of the site while it serves (database, uploaded files, manifest)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from essaim.backups import archive, services


class Command(BaseCommand):
    help = "Write a backup archive (database, uploaded files, manifest); by default into <data dir>/backups/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="the archive's path (a .tar.gz); default: the backups directory")

    def handle(self, *args: Any, **options: Any) -> None:
        path = services.backup_make(into=Path(options["output"]).resolve() if options["output"] else None)
        manifest = archive.read_manifest(path)
        rows = sum(manifest.counts.values())
        self.stdout.write(f"{path}  ({rows:,} rows in {len(manifest.counts)} tables, {len(manifest.files):,} files)")
        self.stdout.write(
            "The secret key is not in the archive: keep <data dir>/secret_key (or ESSAIM_SECRET_KEY) apart."
        )
