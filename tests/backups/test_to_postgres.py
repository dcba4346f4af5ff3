"""``manage.py migrate_to_postgres URL`` moves a team's SQLite site into an empty PostgreSQL database: every row
(ids and timelines untouched), the files where they were; and refuses a database that is not empty."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import processes
from tests.backups.test_roundtrip import SETUP, _fingerprint, _manage


@pytest.fixture
def scratch() -> Iterator[str]:
    with processes.scratch_postgres("essaim_move") as url:
        yield url


def test_a_sqlite_site_moves_to_postgresql_whole(scratch: str) -> None:
    site = processes.environment()
    processes.shell(site, SETUP)
    before = _fingerprint(site)
    moved = _manage(site, "migrate_to_postgres", scratch)
    assert moved.returncode == 0, moved.stderr
    assert f"ESSAIM_DATABASE_URL={scratch}" in moved.stdout
    assert "every count matches" in moved.stdout
    on_postgres = site | {"ESSAIM_DATABASE_URL": scratch}
    assert _fingerprint(on_postgres) == before
    posted = processes.shell(
        on_postgres,
        "from essaim.accounts.models import User\n"
        "print(User.objects.create(email='new@example.com', handle='new', first_name='N', last_name='W').pk)",
    )
    assert posted.strip(), "the sequences went past the moved ids: new rows can be written"


def test_a_database_that_is_not_empty_is_refused(scratch: str) -> None:
    site = processes.environment()
    processes.shell(site, SETUP)
    processes.shell(
        site | {"ESSAIM_DATABASE_URL": scratch},
        'from django.core.management import call_command; call_command("migrate", verbosity=0)',
    )
    refused = _manage(site, "migrate_to_postgres", scratch)
    assert refused.returncode != 0
    assert "La base PostgreSQL n’est pas vide" in refused.stderr
