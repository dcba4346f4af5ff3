"""Restoring an archive into an empty site, and proving it came back whole.

In order, each refusal a clear message and nothing half-written: the archive is read and its
manifest checked (format, a schema this Essaim knows: an archive from a newer one is refused, the
database kind it is restored to), the target must be empty (no table in the database, no uploaded
file), every file is checked against its SHA-256 as it is unpacked (a damaged archive is refused
before anything is put in place), then the database and the files are put in place and the row
count of every table compared with the manifest's. An archive of an older schema is migrated
forward afterwards (``manage.py migrate``).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from essaim.backups import archive
from essaim.backups.archive import MANIFEST, Manifest, sha256


class RestoreError(Exception):
    """Why an archive is not restored (a sentence for the person who asked)."""


def check_manifest(manifest: Manifest) -> None:
    if manifest.format != archive.FORMAT:
        raise RestoreError(
            _("This archive's format (%(format)s) is not one this Essaim reads.") % {"format": manifest.format}
        )
    if manifest.vendor != connection.vendor:
        raise RestoreError(
            _("This archive holds a %(archive)s database and this site uses %(site)s: restore it on the same kind.")
            % {"archive": manifest.vendor, "site": connection.vendor}
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, name in sorted(manifest.migrations.items()) if (app, name) not in known]
    if unknown:
        raise RestoreError(
            _(
                "This archive comes from a newer Essaim (%(version)s; unknown migrations: %(names)s): "
                "restore it with that version or a later one."
            )
            % {"version": manifest.essaim_version, "names": ", ".join(unknown[:5])}
        )


def _tables() -> list[str]:
    return list(connection.introspection.table_names())


def check_empty() -> None:
    if _tables():
        raise RestoreError(_("The database is not empty: restore into a new database (or a new data directory)."))
    for root in archive.file_roots().values():
        if root.is_dir() and any(path.is_file() for path in root.rglob("*")):
            raise RestoreError(_("The uploaded files' directory (%(path)s) is not empty.") % {"path": root})


def _unpack(tar: tarfile.TarFile, manifest: Manifest, into: Path) -> None:
    """Unpack the database and the files into ``into``, each checked against the manifest."""
    expected = {manifest.database_file: manifest.database_sha256} | manifest.files
    seen = set()
    for member in tar:
        if member.name == MANIFEST:
            continue
        if member.name not in expected or not member.isfile():
            raise RestoreError(
                _("The archive holds something its manifest does not list: %(name)s.") % {"name": member.name}
            )
        tar.extract(member, into, filter="data")
        if sha256(into / member.name) != expected[member.name]:
            raise RestoreError(_("The archive is damaged: %(name)s is not what was backed up.") % {"name": member.name})
        seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise RestoreError(_("The archive is missing files: %(names)s.") % {"names": ", ".join(missing[:5])})


def _put_database(manifest: Manifest, unpacked: Path) -> None:
    source = unpacked / manifest.database_file
    if manifest.vendor == "sqlite":
        target = Path(settings.DATABASES["default"]["NAME"])
        connections.close_all()
        for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(source, target)
        return
    connections.close_all()
    argv = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        f"--dbname={archive.pg_url()}",
        str(source),
    ]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603 - pg_restore from PATH
    if done.returncode != 0:
        raise RestoreError(_("PostgreSQL refused the archive: %(error)s") % {"error": done.stderr.strip()[-500:]})


def _counts(manifest: Manifest) -> dict[str, int]:
    if manifest.vendor == "sqlite":
        with sqlite3.connect(str(settings.DATABASES["default"]["NAME"])) as db:
            return {t: int(db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]) for t in manifest.counts}  # noqa: S608
    with connection.cursor() as cursor:
        counts = {}
        for table in manifest.counts:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - the manifest's table names, checked above
            counts[table] = int(cursor.fetchone()[0])
        return counts


def restore(path: Path) -> Manifest:
    """Restore the archive at ``path`` into this empty site; raises ``RestoreError`` saying why not."""
    try:
        manifest = archive.read_manifest(path)
    except (OSError, EOFError, tarfile.TarError, KeyError, ValueError, TypeError) as error:
        raise RestoreError(_("This is not an Essaim backup archive (%(error)s).") % {"error": error}) from error
    check_manifest(manifest)
    check_empty()
    with tempfile.TemporaryDirectory(prefix="essaim-restore-", dir=settings.DATA_DIR) as scratch:
        unpacked = Path(scratch)
        try:
            with tarfile.open(path, "r:*") as tar:
                _unpack(tar, manifest, unpacked)
        except (tarfile.TarError, OSError, EOFError) as error:
            raise RestoreError(_("The archive is damaged (%(error)s).") % {"error": error}) from error
        _put_database(manifest, unpacked)
        for name, root in archive.file_roots().items():
            if (unpacked / name).is_dir():
                root.mkdir(parents=True, exist_ok=True)
                for item in (unpacked / name).iterdir():
                    shutil.move(str(item), root / item.name)
    restored = _counts(manifest)
    different = {t: (n, restored.get(t)) for t, n in manifest.counts.items() if restored.get(t) != n}
    if different:
        raise RestoreError(
            _("The restored database does not hold what was backed up: %(tables)s.") % {"tables": different}
        )
    damaged = [name for name, digest in manifest.files.items() if sha256(archive.path_of(name)) != digest]
    if damaged:
        raise RestoreError(_("Restored files differ from the backup: %(names)s.") % {"names": ", ".join(damaged[:5])})
    return manifest
