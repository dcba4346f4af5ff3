"""An upgrade from the previous release keeps everything: ``bench.upgrade`` exports that release from git, lets its
own generator fill a database with its own schema, runs this checkout's migrations on it, and checks every table's
rows, that nothing is left to migrate, and that a person's home answers. Here on the toy dataset, on the database
this run tests (SQLite, or PostgreSQL in the PostgreSQL pass); ``make bench`` runs it on the benchmark's size."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import upgrade
from bench.server import REPO
from tests import processes


def _check(data_dir: Path, *database: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - this interpreter, our module
        [sys.executable, "-m", "bench.upgrade", "--size", "toy", "--data-dir", str(data_dir), "--no-save", *database],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.fixture
def release_in_history() -> None:
    if not upgrade.in_history(upgrade.PREVIOUS_RELEASE):
        pytest.skip("this copy of Essaim has no git history (an archive): the previous release cannot be exported")


@pytest.mark.usefixtures("release_in_history")
def test_the_previous_release_database_migrates_to_this_one_with_every_row(tmp_path: Path) -> None:
    if os.environ.get("ESSAIM_DATABASE_URL", "").startswith("postgres"):
        with processes.scratch_postgres("essaim_upgrade") as url:
            checked = _check(tmp_path, "--db", "postgres", "--database-url", url)
    else:
        checked = _check(tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"with {upgrade.PREVIOUS_RELEASE.tag}" in checked.stdout
    assert "tables checked" in checked.stdout
    assert "FAILED" not in checked.stdout


def test_a_table_that_lost_rows_is_reported() -> None:
    lost = upgrade.rows_compared({"stream_post": 120, "stream_tag": 5}, {"stream_post": 119, "stream_tag": 5}, [])
    assert lost == ["stream_post: 120 rows before, 119 after"]


def test_a_migration_may_declare_the_tables_whose_rows_it_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(upgrade.ROWS_CHANGED_BY, "stream.0042_split_tags", {"stream_tag"})
    before, after = {"stream_tag": 5, "stream_post": 3}, {"stream_tag": 9, "stream_post": 3}
    assert upgrade.rows_compared(before, after, ["stream.0042_split_tags"]) == []
    assert upgrade.rows_compared(before, after, ["stream.0041_other"]) == ["stream_tag: 5 rows before, 9 after"]


def test_tables_dropped_or_created_by_a_migration_are_not_a_loss() -> None:
    assert upgrade.rows_compared({"old_table": 4, "kept": 1}, {"kept": 1, "new_table": 0}, []) == []


def test_content_types_and_permissions_may_grow_for_new_models_but_never_shrink() -> None:
    before = {"django_content_type": 50, "auth_permission": 200}
    assert upgrade.rows_compared(before, {"django_content_type": 51, "auth_permission": 204}, []) == []
    assert upgrade.rows_compared(before, {"django_content_type": 49, "auth_permission": 200}, []) == [
        "django_content_type: 50 rows before, 49 after"
    ]
