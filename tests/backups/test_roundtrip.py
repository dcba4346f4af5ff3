"""``manage.py backup`` → wipe → ``manage.py restore`` gives back the same site, on SQLite and on PostgreSQL: every
table's rows (timelines included), every uploaded file byte for byte; and every refusal of the restore says why.

Real processes on fresh data directories (``tests.processes``); on PostgreSQL, a scratch database of their own
on the server ``ESSAIM_TEST_POSTGRES_URL`` names (skipped without it)."""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests import processes

SETUP = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.core.files.uploadedfile import SimpleUploadedFile
from essaim.accounts.models import User
from essaim.people.models import Profile
from essaim.spaces.models import Membership
from essaim.spaces.services import space_create
from essaim.stream.services import comment_create, post_create, reaction_add
from essaim.events import outbox
people = [
    User.objects.create(email=f"p{i}@example.com", handle=f"p{i}", first_name="P", last_name=str(i)) for i in range(6)
]
for person in people:
    Profile.objects.create(user=person)
space = space_create(actor=people[0], name="Atelier", visibility="public")
for person in people[1:]:
    Membership.objects.create(space=space, user=person, role="member")
post = post_create(actor=people[0], body="Plan du local", space=space,
                   attachments=[SimpleUploadedFile("plan.txt", b"rez-de-chaussee", content_type="text/plain")])
comment_create(actor=people[1], post=post, body="Merci @p0",
               attachments=[SimpleUploadedFile("cles.txt", b"a l'accueil", content_type="text/plain")])
reaction_add(actor=people[2], post=post, emoji="👍")
post_create(actor=people[3], body="Bonjour à tous")
outbox.drain()
"""

FINGERPRINT = """
import hashlib, json
from pathlib import Path
from django.apps import apps
from django.conf import settings
from essaim.stream.models import HomeEntry
counts = {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.managed and not m._meta.proxy}
roots = [Path(settings.MEDIA_ROOT), Path(settings.DATA_DIR) / "private"]
files = {
    str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
    for root in roots
    for p in sorted(root.rglob("*"))
    if p.is_file()
}
timelines = sorted(HomeEntry.objects.values_list("owner_id", "post_id"))
print(json.dumps({"counts": counts, "files": files, "timelines": timelines}))
"""


def _fingerprint(env: dict[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(processes.shell(env, FINGERPRINT).strip().splitlines()[-1])
    result["counts"].pop("django_tasks_db.DBTaskResult", None)  # what the worker did since: not the site's data
    return result


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``manage.py <args>`` in the site's language (French): what an operator reads."""
    return subprocess.run(  # noqa: S603 - fixed argv
        [processes.sys.executable, "manage.py", *args],
        cwd=processes.REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@contextmanager
def _new_site(database: str) -> Iterator[dict[str, str]]:
    """The environment of a new, empty site: a data directory of its own, and on PostgreSQL a scratch database."""
    if database == "sqlite":
        yield processes.environment()
        return
    with processes.scratch_postgres("essaim_restore") as url:
        yield processes.environment(ESSAIM_DATABASE_URL=url)


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """A new site on each database (the test puts data in it)."""
    with _new_site(request.param) as env:
        yield env


def test_backup_wipe_restore_gives_back_every_row_and_file(site: dict[str, str], tmp_path: Path) -> None:
    processes.shell(site, SETUP)
    before = _fingerprint(site)
    assert before["counts"]["stream.HomeEntry"] > 0
    assert len(before["files"]) == 2, "the post's file and its comment's"
    archive = tmp_path / "essaim.tar.gz"
    made = _manage(site, "backup", "--output", str(archive))
    assert made.returncode == 0, made.stderr
    assert "The secret key is not in the archive" in made.stdout
    with tarfile.open(archive) as tar:
        assert "secret_key" not in " ".join(tar.getnames())
    with _new_site("postgresql" if "ESSAIM_DATABASE_URL" in site else "sqlite") as empty:
        restored = _manage(empty, "restore", str(archive))
        assert restored.returncode == 0, restored.stderr
        assert "every count and checksum matches" in restored.stdout
        assert _fingerprint(empty) == before
        again = _manage(empty, "restore", str(archive))
        assert again.returncode != 0
        assert "La base de données n’est pas vide" in again.stderr


def _rewritten(archive: Path, target: Path, *, manifest: dict[str, Any] | None = None, drop: str = "") -> Path:
    """A copy of ``archive`` with its manifest replaced and/or one member left out."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            if member.name == drop:
                continue
            content = source.extractfile(member)
            if member.name == "manifest.json" and manifest is not None:
                data = json.dumps(manifest).encode()
                member.size = len(data)
                content = io.BytesIO(data)
            copy.addfile(member, content)
    return target


@pytest.fixture(scope="module")
def sqlite_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    env = processes.environment()
    processes.shell(env, SETUP)
    archive = tmp_path_factory.mktemp("backup") / "essaim.tar.gz"
    assert _manage(env, "backup", "--output", str(archive)).returncode == 0
    return archive


def _manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        result: dict[str, Any] = json.loads(member.read())
        return result


class TestRefused:
    def _refusal(self, archive: Path) -> str:
        done = _manage(processes.environment(), "restore", str(archive))
        assert done.returncode != 0
        return done.stderr

    def test_an_archive_from_a_newer_essaim(self, sqlite_archive: Path, tmp_path: Path) -> None:
        manifest = _manifest(sqlite_archive) | {"essaim_version": "9.0"}
        manifest["migrations"]["stream"] = "0099_from_the_future"
        refusal = self._refusal(_rewritten(sqlite_archive, tmp_path / "newer.tar.gz", manifest=manifest))
        assert (
            "Cette archive vient d’un Essaim plus récent (9.0 ; migrations inconnues : stream.0099_from_the_future)"
            in refusal
        )

    def test_a_damaged_file(self, sqlite_archive: Path, tmp_path: Path) -> None:
        manifest = _manifest(sqlite_archive)
        name = next(iter(manifest["files"]))
        manifest["files"][name] = "0" * 64
        refusal = self._refusal(_rewritten(sqlite_archive, tmp_path / "damaged.tar.gz", manifest=manifest))
        assert f"L’archive est abîmée : {name} n’est pas ce qui a été sauvegardé." in refusal

    def test_a_missing_file(self, sqlite_archive: Path, tmp_path: Path) -> None:
        name = next(iter(_manifest(sqlite_archive)["files"]))
        refusal = self._refusal(_rewritten(sqlite_archive, tmp_path / "missing.tar.gz", drop=name))
        assert f"Il manque des fichiers à l’archive : {name}." in refusal

    def test_a_truncated_archive(self, sqlite_archive: Path, tmp_path: Path) -> None:
        truncated = tmp_path / "truncated.tar.gz"
        truncated.write_bytes(sqlite_archive.read_bytes()[:2000])
        assert "Ce n’est pas une archive de sauvegarde d’Essaim" in self._refusal(truncated)

    def test_not_an_archive(self, tmp_path: Path) -> None:
        other = tmp_path / "notes.txt"
        other.write_text("hello")
        assert "Ce n’est pas une archive de sauvegarde d’Essaim" in self._refusal(other)

    def test_a_non_empty_site(self, sqlite_archive: Path) -> None:
        env = processes.environment()
        processes.shell(env, 'from django.core.management import call_command; call_command("migrate", verbosity=0)')
        done = _manage(env, "restore", str(sqlite_archive))
        assert "La base de données n’est pas vide" in done.stderr
