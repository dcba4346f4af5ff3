"""``manage.py documents_extract [--all | --retry-failed] [--enqueue]``: read the text of existing files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from essaim.documents import services, tasks
from essaim.documents.models import DocumentText


class Command(BaseCommand):
    help = (
        "Read the text of attached documents not read yet (files published before extraction existed, "
        "tasks lost with a worker); --all reads every file again, --retry-failed the failed ones too."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="read every file again, even those done")
        parser.add_argument("--retry-failed", action="store_true", help="read the failed files again too")
        parser.add_argument("--enqueue", action="store_true", help="hand the files to the task worker")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = services.documents_queue_all(retry=options["retry_failed"])
        force = bool(options["all"] or options["retry_failed"])
        if options["all"]:
            ids = list(DocumentText.objects.order_by("attachment_id").values_list("attachment_id", flat=True))
        if options["enqueue"]:
            for pk in ids:
                tasks.extract_document.enqueue(attachment_id=pk)
            self.stdout.write(f"{len(ids):,} files handed to the task worker.")
            return
        counts: dict[str, int] = {}
        for number, pk in enumerate(ids, start=1):
            for status, count in services.documents_extract([pk], force=force).items():
                counts[status] = counts.get(status, 0) + count
            if number % 50 == 0 or number == len(ids):
                self.stdout.write(f"{number:,}/{len(ids):,}", ending="\r")
        summary = ", ".join(f"{count:,} {status}" for status, count in sorted(counts.items())) or "nothing to read"
        self.stdout.write(f"\n{summary}." if ids else f"{summary}.")
