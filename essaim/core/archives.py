"""A zip archive written in bounded memory, with a manifest of what it holds: each file's size and SHA-256.

Used by the personal data archive (``privacy.archive``) and the compliance export (``compliance.export``)::

    with ManifestZip(path) as archive:
        archive.json("account.json", {...})
        archive.lines("posts.json", rows)  # any iterable of dicts: a JSON array written one element at a time
        archive.copy("files/1-notes.txt", attachment.file)  # copied in 64 KiB blocks
        manifest = archive.finish({"format": "…/1", …})  # ``manifest.json``, last: the header, counts, files

Nothing is held in memory but the current row or block and the manifest's lines: rows come from the
caller's iterator (``QuerySet.iterator(chunk_size=…)``), files are copied block by block. A stored file
that is missing from the disk is said so in the manifest (``{"missing": true}``) rather than failing the
archive. The manifest's checksums are those of the bytes in the archive, so anyone can verify it with
``unzip`` and ``sha256sum``.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Protocol, Self

BLOCK = 1 << 16
MANIFEST = "manifest.json"


class Openable(Protocol):
    """A stored file (a ``FieldFile``, ``Stored``): opened when its turn comes."""

    def open(self, mode: str = "rb") -> Any: ...


class Stored:
    """A file of a storage by its name, opened when copied (a missing one is said so in the manifest)."""

    def __init__(self, storage: Any, name: str) -> None:
        self.storage, self.name = storage, name

    def open(self, mode: str = "rb") -> Any:
        return self.storage.open(self.name, mode)


class _Hashing:
    """A writable file that counts and hashes what goes through it."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target, self.size, self.digest = target, 0, hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.target.write(data)
        self.size += len(data)
        self.digest.update(data)

    def line(self) -> dict[str, Any]:
        return {"size": self.size, "sha256": self.digest.hexdigest()}


class ManifestZip:
    """A zip file being written; ``files`` and ``counts`` are the manifest's lines so far."""

    def __init__(self, destination: Path) -> None:
        self.zip = zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.files: dict[str, dict[str, Any]] = {}
        self.counts: dict[str, int] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.zip.close()

    def json(self, name: str, value: Any) -> None:
        """One JSON document, indented."""
        with self.zip.open(name, "w", force_zip64=True) as raw:
            out = _Hashing(raw)
            out.write(json.dumps(value, ensure_ascii=False, indent=2).encode())
        self.files[name] = out.line()

    def lines(self, name: str, rows: Iterable[dict[str, Any]], *, count_as: str | None = None) -> int:
        """A JSON array written one element at a time; counted under ``count_as`` (the name without ``.json``)."""
        count = 0
        with self.zip.open(name, "w", force_zip64=True) as raw:
            out = _Hashing(raw)
            out.write(b"[")
            for row in rows:
                out.write((",\n" if count else "\n").encode() + json.dumps(row, ensure_ascii=False).encode())
                count += 1
            out.write(b"\n]\n")
        self.files[name] = out.line()
        self.counts[count_as or name.rsplit("/", 1)[-1].removesuffix(".json")] = count
        return count

    def copy(self, name: str, stored: Openable) -> bool:
        """A stored file, in blocks; ``False`` (and ``missing`` in the manifest) when it is gone from the disk."""
        try:
            source = stored.open("rb")
        except OSError:
            self.files[name] = {"missing": True}
            return False
        with source, self.zip.open(name, "w", force_zip64=True) as raw:
            out = _Hashing(raw)
            while block := source.read(BLOCK):
                out.write(block)
        self.files[name] = out.line()
        self.counts["files"] = self.counts.get("files", 0) + 1
        return True

    def finish(self, header: dict[str, Any]) -> dict[str, Any]:
        """Write ``manifest.json`` (``header``, then the counts and every file's size and SHA-256); the manifest."""
        manifest = {**header, "counts": self.counts, "files": self.files}
        self.zip.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        return manifest


def verify(path: Path) -> list[str]:
    """The names whose bytes in the zip at ``path`` do not match its manifest (missing, other size or checksum),
    and any file in the zip the manifest does not list; an empty list when the archive is whole."""
    problems = []
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        listed = manifest["files"]
        for name, line in listed.items():
            if line.get("missing"):
                continue
            try:
                opened = archive.open(name)
            except KeyError:
                problems.append(name)
                continue
            digest, size = hashlib.sha256(), 0
            with opened:
                while block := opened.read(BLOCK):
                    digest.update(block)
                    size += len(block)
            if size != line["size"] or digest.hexdigest() != line["sha256"]:
                problems.append(name)
        problems += [name for name in archive.namelist() if name != MANIFEST and name not in listed]
    return problems


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file on disk, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as opened:
        while block := opened.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()
