"""Small real documents, written here byte by byte: PDF (pypdf), DOCX, ODT, PPTX, ODP, XLSX and ODS
(a zip of the XML each format needs, nothing more), and hostile ones (encrypted, broken, bombs).

The benchmark (bench/documents.py) writes its files with these too.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" office:version="1.3"'
)
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _zip(parts: dict[str, str | bytes], *, stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first is not None:
            archive.writestr(stored_first, parts[stored_first], compress_type=zipfile.ZIP_STORED)
        for name, content in parts.items():
            if name != stored_first:
                archive.writestr(name, content)
    return out.getvalue()


def _content_types(overrides: dict[str, str]) -> str:
    items = "".join(f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, kind in overrides.items())
    return (
        f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{items}</Types>'
    )


def _rels(targets: dict[str, tuple[str, str]]) -> str:
    items = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>' for i, (t, target) in targets.items())
    return f'{XML}<Relationships xmlns="{PR_NS}">{items}</Relationships>'


def docx(paragraphs: list[str]) -> bytes:
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>' for text in paragraphs)
    document = f'{XML}<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    office = f"{R_NS}/officeDocument"
    return _zip(
        {
            "[Content_Types].xml": _content_types({"word/document.xml": main}),
            "_rels/.rels": _rels({"rId1": (office, "word/document.xml")}),
            "word/document.xml": document,
        }
    )


def pptx(slides: list[list[str]]) -> bytes:
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": _content_types({}),
        "_rels/.rels": _rels({"rId1": (f"{R_NS}/officeDocument", "ppt/presentation.xml")}),
        "ppt/presentation.xml": f'{XML}<p:presentation xmlns:p="{P_NS}"/>',
    }
    for number, lines in enumerate(slides, start=1):
        paragraphs = "".join(f"<a:p><a:r><a:t>{escape(line)}</a:t></a:r></a:p>" for line in lines)
        parts[f"ppt/slides/slide{number}.xml"] = (
            f'{XML}<p:sld xmlns:p="{P_NS}" xmlns:a="{A_NS}"><p:cSld><p:spTree><p:sp><p:txBody>'
            f"{paragraphs}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>"
        )
    return _zip(parts)


def xlsx(sheets: dict[str, list[list[str | int]]]) -> bytes:
    """Strings are shared strings (as Excel writes them), numbers are values."""
    shared: list[str] = []
    parts: dict[str, str | bytes] = {}
    entries, targets = [], {}
    for number, (name, rows) in enumerate(sheets.items(), start=1):
        xml_rows = []
        for r, row in enumerate(rows, start=1):
            cells = []
            for value in row:
                if isinstance(value, int):
                    cells.append(f"<c><v>{value}</v></c>")
                else:
                    shared.append(value)
                    cells.append(f'<c t="s"><v>{len(shared) - 1}</v></c>')
            xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        parts[f"xl/worksheets/sheet{number}.xml"] = (
            f'{XML}<worksheet xmlns="{S_NS}"><sheetData>{"".join(xml_rows)}</sheetData></worksheet>'
        )
        entries.append(f'<sheet name="{escape(name)}" sheetId="{number}" r:id="rId{number}"/>')
        targets[f"rId{number}"] = (f"{R_NS}/worksheet", f"worksheets/sheet{number}.xml")
    strings = "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
    parts["xl/sharedStrings.xml"] = f'{XML}<sst xmlns="{S_NS}" count="{len(shared)}">{strings}</sst>'
    parts["xl/workbook.xml"] = (
        f'{XML}<workbook xmlns="{S_NS}" xmlns:r="{R_NS}"><sheets>{"".join(entries)}</sheets></workbook>'
    )
    parts["xl/_rels/workbook.xml.rels"] = _rels(targets)
    parts["[Content_Types].xml"] = _content_types({})
    parts["_rels/.rels"] = _rels({"rId1": (f"{R_NS}/officeDocument", "xl/workbook.xml")})
    return _zip(parts)


def _odf(kind: str, body: str) -> bytes:
    content = (
        f"{XML}<office:document-content {ODF_NS}><office:body>"
        f"<office:{kind}>{body}</office:{kind}></office:body></office:document-content>"
    )
    manifest = (
        f'{XML}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        f'{kind}"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return _zip(
        {
            "mimetype": f"application/vnd.oasis.opendocument.{kind}",
            "content.xml": content,
            "META-INF/manifest.xml": manifest,
        },
        stored_first="mimetype",
    )


def odt(paragraphs: list[str], *, heading: str = "") -> bytes:
    head = f'<text:h text:outline-level="1">{escape(heading)}</text:h>' if heading else ""
    body = "".join(f"<text:p>{escape(text)}</text:p>" for text in paragraphs)
    return _odf("text", head + body)


def odp(slides: list[list[str]]) -> bytes:
    pages = "".join(
        f'<draw:page draw:name="page{n}"><draw:frame><draw:text-box>'
        + "".join(f"<text:p>{escape(line)}</text:p>" for line in lines)
        + "</draw:text-box></draw:frame></draw:page>"
        for n, lines in enumerate(slides, start=1)
    )
    return _odf("presentation", pages)


def ods(sheets: dict[str, list[list[str | int]]]) -> bytes:
    tables = []
    for name, rows in sheets.items():
        xml_rows = "".join(
            "<table:table-row>"
            + "".join(f"<table:table-cell><text:p>{escape(str(v))}</text:p></table:table-cell>" for v in row)
            + "</table:table-row>"
            for row in rows
        )
        tables.append(f'<table:table table:name="{escape(name)}">{xml_rows}</table:table>')
    return _odf("spreadsheet", "".join(tables))


def pdf(pages: list[str], *, password: str | None = None) -> bytes:
    """A PDF whose pages show ``pages`` in Helvetica (WinAnsi: French accents), encrypted with ``password``."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    font_ref = writer._add_object(font)
    for text in pages:
        page = writer.add_blank_page(width=595, height=842)
        lines = []
        for number, line in enumerate(text.split("\n")):
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            lines.append(f"BT /F1 12 Tf 50 {780 - 16 * number} Td ({escaped}) Tj ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(lines).encode("cp1252"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
    if password is not None:
        writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- hostile files


def zip_bomb(*, inflated: int = 300 * 1024 * 1024) -> bytes:
    """A DOCX whose document part inflates ``inflated`` bytes of zeros from a few hundred kilobytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _content_types({}))
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(inflated // len(chunk)):
                part.write(chunk)
    return out.getvalue()


def lying_zip(*, real: int = 5 * 1024 * 1024) -> bytes:
    """A DOCX whose document part says it is 100 bytes long and inflates to ``real`` bytes."""
    data = bytearray(docx(["x" * real]))
    name, declared = b"word/document.xml", (100).to_bytes(4, "little")
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        local = archive.getinfo("word/document.xml").header_offset
    data[local + 22 : local + 26] = declared  # the local header's uncompressed size
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) != -1:  # the central directory's entries
        if data[at + 46 : at + 46 + len(name)] == name:
            data[at + 24 : at + 28] = declared
        at += 4
    return bytes(data)


def xml_bomb_docx() -> bytes:
    """A DOCX whose document is a billion laughs."""
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    document = (
        f'{XML}<!DOCTYPE w:document [{entities}]><w:document xmlns:w="{W_NS}">'
        "<w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p></w:body></w:document>"
    )
    return _zip({"[Content_Types].xml": _content_types({}), "word/document.xml": document})


def external_entity_odt() -> bytes:
    """An ODT whose content reads /etc/passwd through an external entity."""
    content = (
        f'{XML}<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]><office:document-content {ODF_NS}>'
        "<office:body><office:text><text:p>&secret;</text:p></office:text></office:body></office:document-content>"
    )
    return _zip(
        {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": content}, stored_first="mimetype"
    )


def encrypted_zip_docx() -> bytes:
    """A DOCX whose entries say they are encrypted (the zip's flag bit), as a zip tool's password does."""
    data = bytearray(docx(["Secret"]))
    offset = 0
    while (offset := bytes(data).find(b"PK\x03\x04", offset)) != -1:
        data[offset + 6] |= 0x1
        offset += 4
    offset = 0
    while (offset := bytes(data).find(b"PK\x01\x02", offset)) != -1:
        data[offset + 8] |= 0x1
        offset += 4
    return bytes(data)
