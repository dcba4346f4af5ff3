"""``python -m bench.emails --size M``: the e-mail jobs on the benchmark's dataset, through a real SMTP server.

* **digests**: everyone's weekly digest (10,000 people on M), as the scheduler's job runs it
  (``emails.digests.send_due``) at the end of the dataset's week: wall and CPU seconds, e-mails
  handed to the server, and the process's private resident memory (``RssAnon``: without the pages of
  the database file SQLite maps), before and at its peak (sampled);
* **notification batches**: ``--batch-people`` people with three notifications each waiting to be
  e-mailed, sent by one run of ``emails.batches.send_due``.

The SMTP server is aiosmtpd's ``Sink`` in its own process on loopback (it accepts and forgets), so that
the figures include building each message and the SMTP conversation, not the server's work. What the
runs write (digest deliveries) is removed afterwards: the dataset is left as it was. Results:
``bench/results/emails-<SIZE>-<db>.json`` unless ``--no-save``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.run import RESULTS, ensure_dataset, log
from bench.server import LOOPBACK, REPO, Target, free_port


def rss_mb(key: str = "RssAnon") -> float:
    """The process's private resident memory (``RssAnon``): not the database file's pages that SQLite maps."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024
    return 0.0


class PeakMemory:
    """The process's resident memory, sampled every 50 ms while the block runs."""

    def __init__(self) -> None:
        self.before = self.peak = rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_mb())

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def timed(run: Any) -> dict[str, Any]:
    began, cpu = time.perf_counter(), time.process_time()
    with PeakMemory() as memory:
        sent = run()
    return {
        "sent": sent,
        "wall_s": round(time.perf_counter() - began, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
        "rss_before_mb": round(memory.before, 1),
        "rss_peak_mb": round(memory.peak, 1),
    }


def digest_moment(end: datetime) -> datetime:
    """A moment at the end of the dataset's activity when weekly digests are due: 09:00 UTC (10:00 in Paris)
    of the last day, or the next day when the activity ends later."""
    moment = end.astimezone(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    return moment if moment >= end else moment + timedelta(days=1)


def measure_digests(end: datetime) -> dict[str, Any]:
    from essaim.accounts.models import User
    from essaim.emails import digests
    from essaim.emails.models import DigestDelivery

    now = digest_moment(end)
    DigestDelivery.objects.all().delete()
    people = User.objects.filter(is_active=True).count()
    log(f"Digests for {people:,} people at {now.isoformat()}…")
    figures = timed(lambda: digests.send_due(now=now))
    figures |= {"people": people, "per_person_ms": round(1000 * figures["wall_s"] / max(people, 1), 2)}
    DigestDelivery.objects.all().delete()
    log(f"  {figures}")
    return figures


def measure_batches(people: int) -> dict[str, Any]:
    from django.db.models import Count

    from essaim.emails import batches
    from essaim.notifications.models import Notification, PendingEmail

    recipients = list(
        Notification.objects.filter(read_at=None)
        .values("recipient_id")
        .annotate(n=Count("id"))
        .filter(n__gte=3)
        .values_list("recipient_id", flat=True)[:people]
    )
    pending = [
        PendingEmail(notification_id=pk, recipient_id=recipient)
        for recipient in recipients
        for pk in Notification.objects.filter(recipient_id=recipient, read_at=None)
        .order_by("-id")
        .values_list("pk", flat=True)[:3]
    ]
    PendingEmail.objects.all().delete()
    PendingEmail.objects.bulk_create(pending, batch_size=1000)
    log(f"Notification e-mails for {len(recipients):,} people ({len(pending):,} notifications)…")
    old_limit = batches.PEOPLE_PER_RUN
    batches.PEOPLE_PER_RUN = len(recipients)
    try:
        figures = timed(lambda: batches.send_due(now=datetime.now(UTC) + timedelta(hours=1)))
    finally:
        batches.PEOPLE_PER_RUN = old_limit
        PendingEmail.objects.all().delete()
    figures |= {"people": len(recipients), "notifications": len(pending)}
    log(f"  {figures}")
    return figures


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.emails", description=__doc__)
    parser.add_argument("--size", choices=["S", "M"], default="S")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--batch-people", type=int, default=2000)
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    target = Target(args.size, args.db)
    os.environ.update(target.env())
    # The dataset is made (if it is not current) in a process of its own: this one's memory is the jobs'.
    subprocess.run(
        [sys.executable, "-m", "bench.run", "--size", args.size, "--db", args.db, "--generate-only"],
        cwd=REPO,
        check=True,
    )
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"{LOOPBACK}:{port}"],
        cwd=REPO,
    )
    os.environ.update(ESSAIM_EMAIL_HOST=LOOPBACK, ESSAIM_EMAIL_PORT=str(port), ESSAIM_EMAIL_USE_TLS="0")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    try:
        stamp = ensure_dataset(target, force=False)
        time.sleep(0.5)  # the sink is listening
        report = {
            "size": args.size,
            "database": args.db,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "smtp": "aiosmtpd Sink on loopback, one connection per run",
            "machine": {"cpus": os.cpu_count()},
            "digests": measure_digests(datetime.fromisoformat(stamp["end"])),
            "notification_batches": measure_batches(args.batch_people),
        }
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"emails-{args.size}-{args.db}.json"
        path.write_text(json.dumps(report, indent=2) + "\n")
        log(f"Results: {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
