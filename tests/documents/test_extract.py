"""Reading documents' text: every format from real files written in the tests, with French accents;
the caps; and hostile files (encrypted, broken, zip bombs, XML bombs) refused with a reason."""

from __future__ import annotations

import pytest

from essaim.documents.extract import Format, Limits, Reason, Status, clean, extract, format_for
from tests.documents import factories


class TestFormats:
    def test_a_pdf_gives_the_text_of_each_page(self):
        data = factories.pdf(["Réunion d'équipe à Orléans", "Deuxième page : œuvre, naïveté, ça"])
        result = extract(data, Format.PDF)
        assert result.status == Status.DONE
        assert "Réunion d'équipe à Orléans" in result.text
        assert "Deuxième page : œuvre, naïveté, ça" in result.text
        assert not result.truncated

    def test_a_docx_gives_its_paragraphs_in_order(self):
        result = extract(factories.docx(["Compte rendu de la réunion", "Décisions à l'unanimité"]), Format.DOCX)
        assert result.status == Status.DONE
        assert result.text == "Compte rendu de la réunion\nDécisions à l'unanimité"

    def test_an_odt_gives_its_headings_and_paragraphs(self):
        result = extract(
            factories.odt(["Procès-verbal signé", "Élément suivant"], heading="Séance plénière"), Format.ODT
        )
        assert result.text == "Séance plénière\nProcès-verbal signé\nÉlément suivant"

    def test_an_odt_keeps_its_spaces_tabs_and_line_breaks(self):
        data = factories._odf(
            "text", '<text:p>Un<text:s text:c="2"/>deux<text:tab/>trois<text:line-break/>quatre</text:p>'
        )
        assert extract(data, Format.ODT).text == "Un deux\ttrois\nquatre"

    def test_a_pptx_gives_each_slide(self):
        result = extract(factories.pptx([["Stratégie 2027"], ["Objectifs", "Croissance durable"]]), Format.PPTX)
        assert result.text == "Stratégie 2027\n\nObjectifs\nCroissance durable"

    def test_an_odp_gives_each_slide(self):
        result = extract(factories.odp([["Présentation générale"], ["Équipe", "Café"]]), Format.ODP)
        assert result.text == "Présentation générale\n\nÉquipe\nCafé"

    def test_an_xlsx_gives_its_sheets_names_and_rows(self):
        data = factories.xlsx({"Budget été": [["Poste", "Montant"], ["Fournitures de bureau", 1200]]})
        assert extract(data, Format.XLSX).text == "Budget été\nPoste\tMontant\nFournitures de bureau\t1200"

    def test_an_ods_gives_its_sheets_names_and_rows(self):
        data = factories.ods({"Dépenses": [["Crème brûlée", 3], ["Thé", 2]]})
        assert extract(data, Format.ODS).text == "Dépenses\nCrème brûlée\t3\nThé\t2"

    @pytest.mark.parametrize("fmt", [Format.TEXT, Format.MARKDOWN])
    def test_text_and_markdown_are_decoded(self, fmt):
        assert extract("# Réunion\n\nOrdre du jour".encode(), fmt).text == "# Réunion\n\nOrdre du jour"

    def test_text_in_windows_1252_or_utf16_is_decoded(self):
        assert extract("Café crème".encode("cp1252"), Format.TEXT).text == "Café crème"
        assert extract("Café crème".encode("utf-16"), Format.TEXT).text == "Café crème"

    def test_a_csv_gives_its_rows_whatever_its_delimiter(self):
        data = "nom;ville\nLéa;Orléans\nÉlodie;Besançon\n".encode()
        assert extract(data, Format.CSV).text == "nom\tville\nLéa\tOrléans\nÉlodie\tBesançon"

    @pytest.mark.parametrize(
        ("name", "content_type", "expected"),
        [
            ("Rapport.PDF", "", Format.PDF),
            ("notes.md", "", Format.MARKDOWN),
            ("export", "text/csv; charset=utf-8", Format.CSV),
            ("photo.heic", "image/heic", None),
            ("archive.zip", "application/zip", None),
        ],
    )
    def test_the_format_comes_from_the_name_then_the_content_type(self, name, content_type, expected):
        assert format_for(name, content_type) == expected


class TestCaps:
    def test_the_text_stops_at_max_chars_and_says_it_was_cut(self):
        result = extract(factories.docx(["é" * 80, "b" * 80]), Format.DOCX, Limits(max_chars=100))
        assert result.status == Status.DONE
        assert result.truncated
        assert len(result.text) <= 100

    def test_a_pdf_is_read_up_to_max_pages(self):
        data = factories.pdf([f"Page numéro {n}" for n in range(1, 6)])
        result = extract(data, Format.PDF, Limits(max_pages=2))
        assert "Page numéro 2" in result.text
        assert "Page numéro 3" not in result.text
        assert result.truncated

    def test_slides_stop_at_max_pages(self):
        slides = [[f"Diapositive {n}"] for n in range(1, 5)]
        for fmt, data in ((Format.PPTX, factories.pptx(slides)), (Format.ODP, factories.odp(slides))):
            result = extract(data, fmt, Limits(max_pages=2))
            assert "Diapositive 2" in result.text
            assert "Diapositive 3" not in result.text
            assert result.truncated

    def test_spreadsheets_give_their_first_sheets_only(self):
        sheets: dict[str, list[list[str | int]]] = {f"Feuille {n}": [[f"valeur {n}"]] for n in range(1, 5)}
        for fmt, data in ((Format.XLSX, factories.xlsx(sheets)), (Format.ODS, factories.ods(sheets))):
            result = extract(data, fmt, Limits(max_sheets=3))
            assert "valeur 3" in result.text
            assert "valeur 4" not in result.text
            assert result.truncated

    def test_a_file_over_the_size_cap_is_skipped_unread(self):
        result = extract(b"x" * 101, Format.TEXT, Limits(max_bytes=100))
        assert (result.status, result.reason) == (Status.SKIPPED, Reason.TOO_LARGE)

    def test_control_characters_and_lone_surrogates_are_cleaned(self):
        assert clean("a\x00b\x07c\ud800d") == "abc?d"


class TestHostileFiles:
    def test_an_encrypted_pdf_is_skipped(self):
        result = extract(factories.pdf(["Secret défense"], password="motdepasse"), Format.PDF)
        assert (result.status, result.reason) == (Status.SKIPPED, Reason.ENCRYPTED)
        assert result.text == ""

    def test_a_pdf_restricted_without_a_password_is_read(self):
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(__import__("io").BytesIO(factories.pdf(["Lecture libre"]))))
        writer.encrypt(user_password="", owner_password="propriétaire", algorithm="AES-128")
        out = __import__("io").BytesIO()
        writer.write(out)
        assert "Lecture libre" in extract(out.getvalue(), Format.PDF).text

    @pytest.mark.parametrize(
        ("fmt", "data"),
        [
            (Format.PDF, b"%PDF-1.7\n1 0 obj << /Type /Catalog"),
            (Format.PDF, b"not a pdf at all"),
            (Format.DOCX, b"PK\x03\x04 truncated"),
            (Format.ODS, b"plain text named .ods"),
        ],
    )
    def test_a_broken_file_fails_with_a_reason(self, fmt, data):
        result = extract(data, fmt)
        assert (result.status, result.reason) == (Status.FAILED, Reason.BROKEN)
        assert result.detail

    def test_a_zip_missing_its_document_part_fails(self):
        data = factories._zip({"[Content_Types].xml": "<Types/>"})
        assert extract(data, Format.DOCX).reason == Reason.BROKEN

    def test_an_odf_of_another_kind_fails(self):
        assert extract(factories.ods({"A": [["x"]]}), Format.ODT).reason == Reason.BROKEN

    def test_damaged_xml_fails(self):
        data = factories._zip({"word/document.xml": "<w:document><w:body><w:p>"})
        assert extract(data, Format.DOCX).reason == Reason.BROKEN

    def test_a_zip_bomb_is_skipped_by_its_declared_size_before_anything_is_inflated(self):
        result = extract(
            factories.zip_bomb(inflated=30 * 1024 * 1024), Format.DOCX, Limits(max_unzipped=20 * 1024 * 1024)
        )
        assert (result.status, result.reason) == (Status.SKIPPED, Reason.ZIP_BOMB)

    def test_a_zip_bomb_is_skipped_by_its_compression_ratio(self):
        result = extract(factories.zip_bomb(inflated=30 * 1024 * 1024), Format.DOCX)
        assert (result.status, result.reason) == (Status.SKIPPED, Reason.ZIP_BOMB)
        assert "compressed" in result.detail

    def test_a_zip_with_too_many_entries_is_skipped(self):
        parts: dict[str, str | bytes] = {f"part{n}.xml": "<a/>" for n in range(20)}
        result = extract(factories._zip(parts), Format.DOCX, Limits(max_entries=10))
        assert result.reason == Reason.ZIP_BOMB

    def test_a_part_lying_about_its_size_is_refused(self):
        result = extract(factories.lying_zip(), Format.DOCX)
        assert result.status in (Status.SKIPPED, Status.FAILED)
        assert result.text == ""

    def test_an_encrypted_zip_is_skipped(self):
        result = extract(factories.encrypted_zip_docx(), Format.DOCX)
        assert (result.status, result.reason) == (Status.SKIPPED, Reason.ENCRYPTED)

    def test_a_password_protected_office_file_is_skipped(self):
        compound = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
        result = extract(compound, Format.XLSX)
        assert (result.status, result.reason) == (Status.SKIPPED, Reason.ENCRYPTED)

    def test_an_xml_entity_bomb_is_skipped_unexpanded(self):
        result = extract(factories.xml_bomb_docx(), Format.DOCX)
        assert (result.status, result.reason) == (Status.SKIPPED, Reason.UNSAFE_XML)

    def test_an_external_entity_is_never_read(self):
        result = extract(factories.external_entity_odt(), Format.ODT)
        assert (result.status, result.reason) == (Status.SKIPPED, Reason.UNSAFE_XML)
        assert "root:" not in result.text

    def test_binary_content_named_txt_is_skipped(self):
        result = extract(b"\x7fELF\x00\x00\x01", Format.TEXT)
        assert (result.status, result.reason) == (Status.SKIPPED, Reason.UNSUPPORTED)
