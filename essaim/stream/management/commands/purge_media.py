"""``manage.py purge_media``: delete API uploads that no post took (run it daily, e.g. from cron)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from essaim.stream.services import media_purge_unattached


class Command(BaseCommand):
    help = "Delete uploads that no post took within --hours (default 24)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=float, default=24.0)

    def handle(self, *args: Any, **options: Any) -> None:
        count = media_purge_unattached(older_than=timedelta(hours=options["hours"]))
        self.stdout.write(f"{count} unattached upload(s) deleted.")
