"""The archives kept: listed newest first, the oldest forgotten beyond ``BACKUP_KEEP``, the daily job's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from essaim.backups import jobs, services
from essaim.core import schedule


@pytest.fixture
def directory(settings: Any, tmp_path: Path) -> Path:
    settings.BACKUP_DIR = str(tmp_path)
    return tmp_path


def _archive(directory: Path, stamp: str) -> Path:
    path = directory / f"essaim-{stamp}.tar.gz"
    path.write_bytes(b"x")
    return path


def test_archives_are_listed_newest_first_and_nothing_else(directory: Path) -> None:
    _archive(directory, "20261205-080000")
    _archive(directory, "20261207-080000")
    (directory / "essaim-20261208-080000.tar.gz.partial").write_bytes(b"being written")
    (directory / "notes.txt").write_text("mine")
    assert [b.name for b in services.backups()] == ["essaim-20261207-080000.tar.gz", "essaim-20261205-080000.tar.gz"]


def test_the_oldest_are_forgotten_beyond_the_number_kept(directory: Path, settings: Any) -> None:
    settings.BACKUP_KEEP = 2
    for day in (3, 4, 5, 6):
        _archive(directory, f"2026120{day}-080000")
    assert services.prune() == ["essaim-20261204-080000.tar.gz", "essaim-20261203-080000.tar.gz"]
    assert [b.name for b in services.backups()] == ["essaim-20261206-080000.tar.gz", "essaim-20261205-080000.tar.gz"]


def test_the_daily_job_is_registered_and_makes_nothing_when_none_are_kept(
    directory: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert schedule.jobs()["backups.daily"].every.days == 1
    made: list[bool] = []
    monkeypatch.setattr(services, "backup_make", lambda **_: made.append(True))
    settings.BACKUP_KEEP = 0
    jobs.daily_backup()
    settings.BACKUP_KEEP = 7
    jobs.daily_backup()
    assert made == [True]
