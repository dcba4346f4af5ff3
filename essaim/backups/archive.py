"""One backup archive: the database, the uploaded files and a manifest that lets a restore prove it got all back.

``essaim-<date>-<time>.tar.gz`` holds:

- ``manifest.json``: the archive's format, Essaim's version, the database's kind, the last migration
  of each app (the schema), the row count of every table and the SHA-256 of the database file and of
  every uploaded file;
- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the site writes) or
  ``database.pgdump`` (``pg_dump``'s custom format, from a snapshot the counts are read in too);
- ``media/…`` and ``private/…``: the uploaded files (photos and space images; attachments), copied after
  the database, so that every file a row names is there.

The secret key (``<data dir>/secret_key``) is not in it: an archive that leaks gives no one the power to
sign in as anyone. Keep the key apart (docs/backups.md); without it, people sign in again after a restore.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA = "media"
PRIVATE = "private"


def essaim_version() -> str:
    try:
        return version("essaim")
    except PackageNotFoundError:
        return "unknown"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Manifest:
    vendor: str
    database_file: str
    database_sha256: str
    migrations: dict[str, str]
    counts: dict[str, int]
    files: dict[str, str] = field(default_factory=dict)
    created_at: str = ""
    essaim_version: str = ""
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data: dict[str, Any] = json.loads(text)
        return cls(**data)


def latest_migrations(cursor_rows: list[tuple[str, str]]) -> dict[str, str]:
    """The last applied migration of each app, from (app, name) rows in the order they were applied."""
    latest: dict[str, str] = {}
    for app, name in cursor_rows:
        latest[app] = name
    return latest


def file_roots() -> dict[str, Path]:
    """Where uploaded files live, by their name in the archive: photos and space images (``MEDIA_ROOT``),
    and attachments, kept apart because only the checked download view serves them (``<data dir>/private``)."""
    return {MEDIA: Path(settings.MEDIA_ROOT), PRIVATE: Path(settings.DATA_DIR) / "private"}


def uploaded_files() -> Iterator[tuple[str, Path]]:
    """Every uploaded file as (its name in the archive, ``media/…`` or ``private/…``; its path)."""
    for name, root in file_roots().items():
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    yield f"{name}/{path.relative_to(root).as_posix()}", path


def path_of(name: str) -> Path:
    """Where the file the archive names ``name`` goes on this site."""
    root, _slash, rest = name.partition("/")
    return file_roots()[root] / rest


def _sqlite_copy(target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """A consistent copy of the site's SQLite database (its online backup API, while it serves), and the row
    counts and schema read from the copy."""
    source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]), timeout=30)
    copy = sqlite3.connect(str(target))
    try:
        source.backup(copy)
        tables = [row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        counts = {
            table: int(copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])  # noqa: S608 - names read above
            for table in sorted(tables)
            if not table.startswith("sqlite_")
        }
        applied = copy.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
    finally:
        copy.close()
        source.close()
    return counts, latest_migrations(applied)


def pg_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgresql://{auth}{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _pg_dump(target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """``pg_dump`` from a snapshot that the counts are read in too: the dump and the manifest say the same."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        argv = ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}", pg_url()]
        subprocess.run(argv, check=True, capture_output=True)  # noqa: S603 - pg_dump from PATH, fixed options
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names read above
            counts[table] = int(cursor.fetchone()[0])
        cursor.execute(f"SELECT app, name FROM {MigrationRecorder.Migration._meta.db_table} ORDER BY id")  # noqa: S608
        applied = cursor.fetchall()
    return counts, latest_migrations(applied)


def write(destination: Path) -> Manifest:
    """Write the archive of the site as it is now to ``destination`` (a ``.tar.gz``); its manifest."""
    vendor = connection.vendor
    with tempfile.TemporaryDirectory(prefix="essaim-backup-", dir=destination.parent) as scratch:
        name = SQLITE_FILE if vendor == "sqlite" else PG_FILE
        database = Path(scratch) / name
        counts, migrations = _sqlite_copy(database) if vendor == "sqlite" else _pg_dump(database)
        manifest = Manifest(
            vendor=vendor,
            database_file=name,
            database_sha256=sha256(database),
            migrations=migrations,
            counts=counts,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            essaim_version=essaim_version(),
        )
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz", compresslevel=1) as tar:
            tar.add(database, arcname=name)
            for name, path in uploaded_files():
                manifest.files[name] = sha256(path)
                tar.add(path, arcname=name)
            manifest_path = Path(scratch) / MANIFEST
            manifest_path.write_text(manifest.to_json())
            tar.add(manifest_path, arcname=MANIFEST)
        partial.rename(destination)  # a listed archive is always a whole one
    return manifest


def read_manifest(archive: Path) -> Manifest:
    with tarfile.open(archive, "r:*") as tar:
        member = tar.extractfile(MANIFEST)
        if member is None:
            raise KeyError(MANIFEST)
        return Manifest.from_json(member.read().decode())
