"""The text of one document, read from its bytes: what the sandbox child process runs (``sandbox``).

This module imports nothing of Essaim nor of Django: ``sandbox`` runs it as a script in a child
interpreter (``python -I extract.py``) that first confines itself (``confine``: memory, CPU, no file
written, lower priority), reads the file on its standard input and writes one JSON ``Result`` on
its standard output. The tests call ``extract`` directly.

Formats and how they are read (docs/documents.md):

- PDF with pypdf (pure Python, maintained), at most ``max_pages`` pages; an encrypted PDF is
  skipped unless it opens with the empty password (restrictions without a password).
- DOCX, PPTX, XLSX (Office Open XML) and ODT, ODP, ODS (OpenDocument) are zip files of XML: the
  zip is checked before anything is inflated (entries, declared sizes, compression ratio,
  encryption), each part is read through a reader that refuses more bytes than it declared, and
  the XML is streamed by defusedxml's ``iterparse`` with DTDs forbidden (no entity bomb, no external
  entity), each paragraph, row or cell dropped once read, so memory stays bounded.
- TXT, Markdown and CSV are decoded (UTF-8, UTF-16 with a BOM, else Windows-1252).

Every reader writes into an ``Output`` that stops at ``max_chars``: a document is never read
further than its stored text needs.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import json
import logging
import os
import re
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import PurePath
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse


class Format(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    ODT = "odt"
    PPTX = "pptx"
    ODP = "odp"
    XLSX = "xlsx"
    ODS = "ods"
    TEXT = "txt"
    MARKDOWN = "md"
    CSV = "csv"


class Status(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"


class Reason(StrEnum):
    NONE = ""
    UNSUPPORTED = "unsupported"
    TOO_LARGE = "too_large"
    ENCRYPTED = "encrypted"
    ZIP_BOMB = "zip_bomb"
    UNSAFE_XML = "unsafe_xml"
    BROKEN = "broken"
    MISSING = "missing"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    CRASHED = "crashed"


EXTENSIONS = {
    ".pdf": Format.PDF,
    ".docx": Format.DOCX,
    ".odt": Format.ODT,
    ".pptx": Format.PPTX,
    ".odp": Format.ODP,
    ".xlsx": Format.XLSX,
    ".ods": Format.ODS,
    ".txt": Format.TEXT,
    ".text": Format.TEXT,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".csv": Format.CSV,
}
CONTENT_TYPES = {
    "application/pdf": Format.PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": Format.DOCX,
    "application/vnd.oasis.opendocument.text": Format.ODT,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": Format.PPTX,
    "application/vnd.oasis.opendocument.presentation": Format.ODP,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": Format.XLSX,
    "application/vnd.oasis.opendocument.spreadsheet": Format.ODS,
    "text/plain": Format.TEXT,
    "text/markdown": Format.MARKDOWN,
    "text/csv": Format.CSV,
}
ODF_TYPES = {Format.ODT: "text", Format.ODP: "presentation", Format.ODS: "spreadsheet"}


def format_for(name: str, content_type: str = "") -> Format | None:
    """The format a file's name says (else its content type), or ``None``: not a document we read."""
    by_type = CONTENT_TYPES.get(content_type.split(";", maxsplit=1)[0].strip())
    return EXTENSIONS.get(PurePath(name).suffix.lower()) or by_type


@dataclasses.dataclass(frozen=True)
class Limits:
    """How far one document is read. ``max_unzipped``/``max_ratio``/``max_entries``: what a zip may
    declare before it is taken for a bomb (a ratio counts only for parts over ``RATIO_FROM`` bytes)."""

    max_bytes: int = 20 * 1024 * 1024
    max_chars: int = 200_000
    max_pages: int = 300  # PDF pages, slides
    max_sheets: int = 3
    max_unzipped: int = 200 * 1024 * 1024
    max_ratio: int = 100
    max_entries: int = 5_000


RATIO_FROM = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Result:
    status: Status
    text: str = ""
    reason: Reason = Reason.NONE
    detail: str = ""
    truncated: bool = False

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Result:
        values: dict[str, Any] = json.loads(raw)
        return cls(
            status=Status(values["status"]),
            text=str(values.get("text", "")),
            reason=Reason(values.get("reason", "")),
            detail=str(values.get("detail", "")),
            truncated=bool(values.get("truncated", False)),
        )


class Refused(Exception):  # noqa: N818 - a refusal, said with its status and reason
    """This document is not read: skipped (what it is) or failed (what went wrong)."""

    def __init__(self, status: Status, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.status, self.reason, self.detail = status, reason, detail


def skip(reason: Reason, detail: str) -> Refused:
    return Refused(Status.SKIPPED, reason, detail)


def fail(reason: Reason, detail: str) -> Refused:
    return Refused(Status.FAILED, reason, detail)


class Full(Exception):  # noqa: N818 - a signal, not an error
    """The output reached ``max_chars``: stop reading."""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_SPACES = re.compile(r"[ \t\u00a0]{2,}")


class Output:
    """The text read so far, at most ``max_chars`` (``Full`` once reached, ``truncated`` then set)."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.parts: list[str] = []
        self.size = 0
        self.truncated = False

    def add(self, text: str) -> None:
        room = self.max_chars - self.size
        if len(text) > room:
            self.parts.append(text[:room])
            self.size = self.max_chars
            self.truncated = True
            raise Full
        self.parts.append(text)
        self.size += len(text)

    def line(self, text: str) -> None:
        if text.strip():
            self.add(text.strip() + "\n")

    def block(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n\n"):
            self.add("\n")

    def text(self) -> str:
        return clean("".join(self.parts))


def clean(text: str) -> str:
    """No control character (PostgreSQL refuses NUL), no lone surrogate, no run of blank lines or spaces."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _BLANK_LINES.sub("\n\n", _SPACES.sub(" ", text)).strip()


# --- the entry point


def extract(data: bytes, fmt: Format, limits: Limits | None = None) -> Result:
    """The text of ``data`` read as ``fmt``: done (maybe truncated), skipped or failed with a reason.

    A parser given a hostile file may raise anything; what it raises is a failure of this file, and
    the file's alone: hence the broad ``except`` (the child process's limits stop what it cannot).
    """
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        return Result(Status.SKIPPED, reason=Reason.TOO_LARGE, detail=f"{len(data)} bytes")
    out = Output(limits.max_chars)
    try:
        READERS[fmt](data, out, limits)
    except Full:
        pass
    except Refused as refused:
        return Result(refused.status, reason=refused.reason, detail=refused.detail[:300])
    except DefusedXmlException as exc:
        return Result(Status.SKIPPED, reason=Reason.UNSAFE_XML, detail=type(exc).__name__)
    except MemoryError:
        return Result(Status.FAILED, reason=Reason.MEMORY, detail="out of memory")
    except Exception as exc:
        return Result(Status.FAILED, reason=Reason.BROKEN, detail=f"{type(exc).__name__}: {exc}"[:300])
    return Result(Status.DONE, text=out.text(), truncated=out.truncated)


# --- PDF


def read_pdf(data: bytes, out: Output, limits: Limits) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # a damaged file's warnings, by the hundred
    if not data.startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise fail(Reason.BROKEN, "not a PDF file")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except PdfReadError as exc:
        raise fail(Reason.BROKEN, str(exc)) from exc
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # restrictions without a password: readable by anyone
        except (PdfReadError, NotImplementedError, ImportError) as exc:
            raise skip(Reason.ENCRYPTED, "encrypted PDF") from exc
        if not opened:
            raise skip(Reason.ENCRYPTED, "encrypted PDF (a password is needed)")
    pages = reader.pages
    if len(pages) > limits.max_pages:
        out.truncated = True
    for number in range(min(len(pages), limits.max_pages)):
        out.line(pages[number].extract_text() or "")
        out.block()


# --- zip-based formats


class CappedReader(io.RawIOBase):
    """A zip part's bytes, refusing more than it declared (a lying header)."""

    def __init__(self, raw: IO[bytes], limit: int, name: str) -> None:
        self.raw, self.left, self.name = raw, limit, name

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        chunk = self.raw.read(-1 if size is None or size < 0 else size)
        self.left -= len(chunk)
        if self.left < 0:
            raise skip(Reason.ZIP_BOMB, f"{self.name} inflates beyond its declared size")
        return chunk

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The zip, checked before anything is inflated: a bomb, an encrypted or a broken zip is refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        if data.startswith(b"\xd0\xcf\x11\xe0"):  # a compound file: a password-protected Office file, or .doc
            raise skip(Reason.ENCRYPTED, "password-protected or legacy Office file") from exc
        raise fail(Reason.BROKEN, f"not a zip file: {exc}") from exc
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise skip(Reason.ZIP_BOMB, f"{len(infos)} entries")
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_unzipped:
        raise skip(Reason.ZIP_BOMB, f"{declared} bytes once inflated")
    for info in infos:
        if info.flag_bits & 0x1:
            raise skip(Reason.ENCRYPTED, "encrypted zip entries")
        if info.file_size > RATIO_FROM and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise skip(Reason.ZIP_BOMB, f"{info.filename} compressed {info.file_size // max(info.compress_size, 1)}×")
    return archive


def part(archive: zipfile.ZipFile, name: str) -> CappedReader:
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise fail(Reason.BROKEN, f"no {name} in the file") from exc
    return CappedReader(archive.open(info), info.file_size, name)


def read_small(archive: zipfile.ZipFile, name: str, limit: int = 1024 * 1024) -> bytes | None:
    if name not in archive.NameToInfo:
        return None
    data = part(archive, name).read(limit + 1)
    return data[:limit]


def stream(source: CappedReader) -> Iterator[tuple[str, Element, Element | None]]:
    """``(event, element, parent)`` of an XML part, DTDs refused; the caller drops an element it has
    read from its parent (``parent.remove``), so that a long document never sits whole in memory."""
    stack: list[Element] = []
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                stack.append(element)
                yield "start", element, None
            else:
                stack.pop()
                yield "end", element, stack[-1] if stack else None
    except (ParseError, zlib.error, zipfile.BadZipFile, EOFError) as exc:
        raise fail(Reason.BROKEN, f"damaged XML: {exc}") from exc


def drop(element: Element, parent: Element | None) -> None:
    if parent is not None:
        parent.remove(element)


def runs(element: Element, text_tags: frozenset[str], breaks: dict[str, str]) -> str:
    """Office Open XML: the text of a paragraph is in its text elements only (the rest is markup)."""
    parts = []
    for node in element.iter():
        if node.tag in text_tags:
            parts.append(node.text or "")
        elif node.tag in breaks:
            parts.append(breaks[node.tag])
    return "".join(parts)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
T = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def read_docx(data: bytes, out: Output, limits: Limits) -> None:
    archive = open_zip(data, limits)
    texts, breaks = frozenset({W + "t"}), {W + "tab": "\t", W + "br": "\n", W + "cr": "\n"}
    for event, element, parent in stream(part(archive, "word/document.xml")):
        if event == "end" and element.tag == W + "p":
            out.line(runs(element, texts, breaks))
            drop(element, parent)


def _numbered(archive: zipfile.ZipFile, pattern: str) -> list[str]:
    found = [(int(m.group(1)), name) for name in archive.namelist() if (m := re.fullmatch(pattern, name))]
    return [name for _, name in sorted(found)]


def read_pptx(data: bytes, out: Output, limits: Limits) -> None:
    archive = open_zip(data, limits)
    slides = _numbered(archive, r"ppt/slides/slide(\d+)\.xml")
    if len(slides) > limits.max_pages:
        out.truncated = True
    texts, breaks = frozenset({A + "t"}), {A + "br": "\n"}
    for name in slides[: limits.max_pages]:
        for event, element, parent in stream(part(archive, name)):
            if event == "end" and element.tag == A + "p":
                out.line(runs(element, texts, breaks))
                drop(element, parent)
        out.block()


def _shared_strings(archive: zipfile.ZipFile, budget: int) -> list[str]:
    """The workbook's strings (cells refer to them by index), at most ``budget`` characters in all."""
    strings: list[str] = []
    if "xl/sharedStrings.xml" not in archive.NameToInfo:
        return strings
    for event, element, parent in stream(part(archive, "xl/sharedStrings.xml")):
        if event == "end" and element.tag == S + "si":
            value = "" if budget <= 0 else "".join(t.text or "" for t in element.iter(S + "t"))
            budget -= len(value)
            strings.append(value)
            drop(element, parent)
    return strings


def _sheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """``(name, part)`` of the workbook's sheets, in the workbook's order."""
    targets = {}
    for event, element, _parent in stream(part(archive, "xl/_rels/workbook.xml.rels")):
        if event == "end" and element.tag == PR + "Relationship":
            target = element.get("Target", "")
            targets[element.get("Id", "")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    sheets = []
    for event, element, _parent in stream(part(archive, "xl/workbook.xml")):
        if event == "end" and element.tag == S + "sheet":
            sheet = targets.get(element.get(R + "id", ""))
            if sheet:
                sheets.append((element.get("name", ""), sheet))
    return sheets


def _cell(element: Element, shared: list[str]) -> str:
    kind, value = element.get("t"), element.find(S + "v")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in element.iter(S + "t"))
    if value is None or value.text is None:
        return ""
    if kind == "s":
        index = int(value.text)
        return shared[index] if 0 <= index < len(shared) else ""
    return value.text


def read_xlsx(data: bytes, out: Output, limits: Limits) -> None:
    archive = open_zip(data, limits)
    shared = _shared_strings(archive, budget=limits.max_chars * 4)
    sheets = _sheets(archive)
    if len(sheets) > limits.max_sheets:
        out.truncated = True
    for name, target in sheets[: limits.max_sheets]:
        out.line(name)
        row: list[str] = []
        for event, element, parent in stream(part(archive, target)):
            if event != "end":
                continue
            if element.tag == S + "c":
                row.append(_cell(element, shared).strip())
                drop(element, parent)
            elif element.tag == S + "row":
                out.line("\t".join(cell for cell in row if cell))
                row = []
                drop(element, parent)
        out.block()


def odf_text(element: Element) -> str:
    """OpenDocument: a paragraph's mixed content, with its spaces (``text:s``), tabs and line breaks."""
    parts: list[str] = []

    def walk(node: Element) -> None:
        if node.tag == T + "s":
            count = node.get(T + "c", "1")
            parts.append(" " * min(int(count) if count.isdigit() else 1, 100))
        elif node.tag == T + "tab":
            parts.append("\t")
        elif node.tag == T + "line-break":
            parts.append("\n")
        elif node.tag != OFFICE + "annotation":
            parts.append(node.text or "")
            for child in node:
                walk(child)
                parts.append(child.tail or "")

    walk(element)
    return "".join(parts)


def _odf_content(archive: zipfile.ZipFile, fmt: Format) -> CappedReader:
    mimetype = (read_small(archive, "mimetype", 200) or b"").decode("ascii", "replace").strip()
    expected = f"application/vnd.oasis.opendocument.{ODF_TYPES[fmt]}"
    if mimetype and mimetype != expected and not mimetype.startswith(expected + "-"):  # -template
        raise fail(Reason.BROKEN, f"an OpenDocument of another kind ({mimetype})")
    return part(archive, "content.xml")


def read_odt(data: bytes, out: Output, limits: Limits, fmt: Format = Format.ODT) -> None:
    """ODT and ODP: paragraphs and headings, in order; ODP stops after ``max_pages`` slides."""
    archive = open_zip(data, limits)
    pages = 0
    for event, element, parent in stream(_odf_content(archive, fmt)):
        if event == "start" and element.tag == DRAW + "page":
            pages += 1
            if pages > limits.max_pages:
                out.truncated = True
                return
            out.block()
        elif event == "end" and element.tag in (T + "p", T + "h"):
            out.line(odf_text(element))
            drop(element, parent)


def read_odp(data: bytes, out: Output, limits: Limits) -> None:
    read_odt(data, out, limits, Format.ODP)


def read_ods(data: bytes, out: Output, limits: Limits) -> None:
    """The first ``max_sheets`` sheets: the sheet's name, then a line per row, its cells by tabs."""
    archive = open_zip(data, limits)
    sheets, row = 0, []
    for event, element, parent in stream(_odf_content(archive, Format.ODS)):
        if event == "start" and element.tag == TABLE + "table":
            sheets += 1
            if sheets > limits.max_sheets:
                out.truncated = True
                return
            out.block()
            out.line(element.get(TABLE + "name", ""))
        elif event == "end" and element.tag in (TABLE + "table-cell", TABLE + "covered-table-cell"):
            row.append(" ".join(odf_text(p).strip() for p in element.iter(T + "p")).strip())
            drop(element, parent)
        elif event == "end" and element.tag == TABLE + "table-row":
            out.line("\t".join(cell for cell in row if cell))
            row = []
            drop(element, parent)


# --- plain text


def decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    if b"\x00" in data[:8192]:
        raise skip(Reason.UNSUPPORTED, "binary content")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def read_text(data: bytes, out: Output, limits: Limits) -> None:
    out.add(decode(data))


def read_csv(data: bytes, out: Output, limits: Limits) -> None:
    text = decode(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(limits.max_chars)
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            out.line("\t".join(cell.strip() for cell in row if cell.strip()))
    except csv.Error as exc:
        raise fail(Reason.BROKEN, f"damaged CSV: {exc}") from exc


READERS: dict[Format, Callable[[bytes, Output, Limits], None]] = {
    Format.PDF: read_pdf,
    Format.DOCX: read_docx,
    Format.ODT: read_odt,
    Format.PPTX: read_pptx,
    Format.ODP: read_odp,
    Format.XLSX: read_xlsx,
    Format.ODS: read_ods,
    Format.TEXT: read_text,
    Format.MARKDOWN: read_text,
    Format.CSV: read_csv,
}


# --- the child process


def confine(*, memory_bytes: int, cpu_s: int, nice: int = 10) -> None:
    """This process's limits, set by itself before it reads a byte: address space, CPU seconds (then
    SIGXCPU ends it), no file written, no core dump; and it yields the CPU to the web workers."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.nice(nice)


def main(argv: list[str]) -> int:
    """``extract.py CONFIG``: the file on standard input, one ``Result`` as JSON on standard output."""
    config = json.loads(argv[1])
    confine(memory_bytes=int(config["memory_bytes"]), cpu_s=int(config["cpu_s"]), nice=int(config.get("nice", 10)))
    limits = Limits(**config["limits"])
    data = sys.stdin.buffer.read(limits.max_bytes + 1)
    result = extract(data, Format(config["format"]), limits)
    sys.stdout.write(result.to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
