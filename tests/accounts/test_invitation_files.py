"""Files of people to invite: CSV as spreadsheets write it, read and checked line by line."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from essaim.accounts import invitation_files, services
from essaim.accounts.invitation_files import check, decode, parse_kind, parse_language, read
from essaim.accounts.models import User

EXCEL_FR = "e-mail;prénom;nom;langue;type\r\nlea@example.com;Léa;Martin;français;salarié\r\n"


class TestDecode:
    def test_utf8_with_a_byte_order_mark(self) -> None:
        text, encoding = decode("\ufeffe-mail;prénom\r\n".encode())
        assert (text, encoding) == ("e-mail;prénom\r\n", "utf-8")

    def test_utf8_without_one(self) -> None:
        assert decode("Éloïse".encode()) == ("Éloïse", "utf-8")

    def test_windows_1252_as_excel_writes_plain_csv_in_france(self) -> None:
        assert decode("Éloïse;Dupré".encode("cp1252")) == ("Éloïse;Dupré", "windows-1252")

    def test_a_binary_file_is_refused_with_what_to_do(self) -> None:
        with pytest.raises(ValidationError, match="Save the spreadsheet as CSV"):
            decode(b"PK\x03\x04\x00\x00binary")


class TestRead:
    def test_excel_in_france_semicolons_and_a_french_header(self) -> None:
        text, _encoding = decode(("\ufeff" + EXCEL_FR).encode())
        [line] = read(text)
        assert (line.number, line.email, line.first_name, line.last_name) == (2, "lea@example.com", "Léa", "Martin")
        assert (line.language, line.kind, line.errors) == ("fr", "employee", [])

    def test_commas_and_an_english_header_in_another_order(self) -> None:
        [line] = read("Kind,Last name,First name,Email,Language\nguest,Taylor,Sam,Sam@Partner.example,English\n")
        assert (line.email, line.first_name, line.last_name, line.language, line.kind) == (
            "sam@partner.example",
            "Sam",
            "Taylor",
            "en",
            "guest",
        )

    def test_without_a_header_the_extra_columns_are_told_apart_by_their_values(self) -> None:
        lines = read("a@example.com;Ana;Lima\nb@example.com;Bo;Berg;invité externe;en\nc@example.com;Cy;Cole;fr\n")
        assert [(line.number, line.language, line.kind) for line in lines] == [
            (1, "", "employee"),
            (2, "en", "guest"),
            (3, "fr", "employee"),
        ]
        assert all(line.ok for line in lines)

    def test_quoted_fields_with_the_separator_inside(self) -> None:
        [line] = read('email;first name;last name\n"a@example.com";"Anne; Marie";"de La Tour"\n')
        assert (line.first_name, line.last_name) == ("Anne; Marie", "de La Tour")

    def test_blank_lines_are_skipped_and_numbers_follow_the_file(self) -> None:
        lines = read("email,first name\n\na@example.com,Ana\n , \nb@example.com,Bo\n")
        assert [line.number for line in lines] == [3, 5]

    @pytest.mark.parametrize(
        ("row", "message"),
        [
            ("not-an-email;Ana;Lima", "“not-an-email” is not an e-mail address."),
            (";Ana;Lima", "The e-mail address is missing."),
            ("a@example.com;Ana;Lima;klingon", "neither a language (fr, en) nor a kind (employee, guest)"),
            ("a@example.com;" + "A" * 151 + ";Lima", "A name is at most 150 characters."),
        ],
    )
    def test_errors_of_form_are_said_per_line(self, row: str, message: str) -> None:
        [line] = read(row + "\n")
        assert not line.ok
        assert any(message in error for error in line.errors)

    def test_unknown_values_under_a_header_name_the_column(self) -> None:
        [line] = read("email;language;kind\na@example.com;de;boss\n")
        assert line.errors == [
            "Unknown language “de”: write fr or en.",
            "Unknown kind “boss”: write employee or guest.",
        ]

    def test_more_lines_than_the_limit_are_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(invitation_files, "MAX_LINES", 2)
        with pytest.raises(ValidationError, match="more than 2 people"):
            read("a@example.com\nb@example.com\nc@example.com\n")


@pytest.mark.parametrize(
    ("value", "code"),
    [("fr", "fr"), ("FR", "fr"), ("Français", "fr"), ("french", "fr"), ("fr_FR", "fr"), ("anglais", "en"),
     ("English", "en"), ("en-GB", "en"), ("", ""), ("klingon", None)],
)  # fmt: skip
def test_languages_are_read_in_both_languages(value: str, code: str | None) -> None:
    with translation.override("en"):
        assert parse_language(value) == code


@pytest.mark.parametrize(
    ("value", "kind"),
    [("employee", "employee"), ("Employé(e)", "employee"), ("salariée", "employee"), ("", "employee"),
     ("guest", "guest"), ("Invité(e) externe", "guest"), ("External guest", "guest"), ("boss", None)],
)  # fmt: skip
def test_kinds_are_read_in_both_languages(value: str, kind: str | None) -> None:
    assert parse_kind(value) == kind


class TestCheck:
    def test_duplicates_members_and_pending_invitations_in_three_queries(
        self, network_admin: User, employee: User, django_assert_num_queries
    ) -> None:
        services.invitation_send(actor=network_admin, email="waiting@example.com")
        lines = read(
            f"new@example.com;Ana\n{employee.email.upper()};Léa\nwaiting@example.com;W\nNew@example.com;Again\n"
        )
        with django_assert_num_queries(3):
            checked = check(lines, guests_allowed=True)
        assert [line.errors for line in checked] == [
            [],
            ["This person already has an account."],
            ["An invitation is already waiting for this address."],
            ["Already on line 1 of this file."],
        ]

    def test_guests_are_refused_when_the_network_allows_none(self, db: None) -> None:
        [line] = check(read("g@example.com;G;G;guest\n"), guests_allowed=False)
        assert line.errors == ["External guests are not allowed on this network."]

    def test_nothing_to_look_up_costs_no_query(self, db: None, django_assert_num_queries) -> None:
        with django_assert_num_queries(0):
            [line] = check(read("nobody\n"), guests_allowed=True)
        assert not line.ok
