"""Ids and cursors as people and clients type them: anything that is not a plain ASCII number is
missing (404) or a bad request (400), never a server error. ``"²".isdigit()`` is true in Python
and ``int("²")`` raises: such a character once answered 500 on several paths."""

from __future__ import annotations

import pytest
from django.test import Client

from essaim.accounts.models import User
from essaim.core.ids import MAX_ID, is_digits, parse_id
from tests.api.conftest import TokenClient

NOT_NUMBERS = ["²", "٣", "1²", "-3", "0", "", " 7", "9" * 20, str(MAX_ID + 1), "7e3", "１２"]


class TestParseId:
    @pytest.mark.parametrize("raw", NOT_NUMBERS)
    def test_anything_but_a_positive_64_bit_ascii_number_is_no_id(self, raw: str) -> None:
        assert parse_id(raw) is None

    @pytest.mark.parametrize("raw", ["1", "42", str(MAX_ID), "0007"])
    def test_a_positive_64_bit_ascii_number_is_an_id(self, raw: str) -> None:
        assert parse_id(raw) == int(raw)

    def test_digits_are_ascii_digits(self) -> None:
        assert is_digits("0123456789")
        assert not is_digits("²")
        assert not is_digits("٣")


ODD = ["²", "٣", "9" * 20]

MISSING_PATHS = [
    "/api/v1/statuses/{odd}",
    "/api/v1/accounts/{odd}",
    "/api/v1/accounts/{odd}/statuses",
    "/api/v1/spaces/{odd}",
    "/api/v1/spaces/{odd}/statuses",
    "/api/v1/spaces/{odd}/members",
]

BAD_CURSORS = [
    "/api/v1/timelines/home?max_id={odd}",
    "/api/v1/accounts/{me}/followers?max_id={odd}",
]


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize("path", MISSING_PATHS)
def test_an_odd_id_in_an_api_path_is_missing(api_client: TokenClient, path: str, odd: str) -> None:
    response = api_client.get(path.format(odd=odd))
    assert response.status_code == 404, response.content


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize("path", BAD_CURSORS)
def test_an_odd_cursor_in_the_api_is_a_bad_request(
    api_client: TokenClient, employee: User, path: str, odd: str
) -> None:
    response = api_client.get(path.format(odd=odd, me=employee.pk))
    assert response.status_code == 400, response.content
    assert response.json()["error"]


@pytest.mark.parametrize("odd", ODD)
def test_odd_ids_in_relationships_are_left_out(api_client: TokenClient, colleague: User, odd: str) -> None:
    response = api_client.get("/api/v1/accounts/relationships", {"id[]": [odd, str(colleague.pk)]})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()] == [str(colleague.pk)]


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/spaces/?after={odd}:x", 200),  # a garbage cursor: the first page
        ("/people/?after={odd}:x", 200),
        ("/?max_id={odd}", 400),
    ],
)
def test_odd_cursors_on_pages_never_fail(client: Client, employee: User, path: str, expected: int, odd: str) -> None:
    client.force_login(employee)
    assert client.get(path.format(odd=odd)).status_code == expected


@pytest.mark.parametrize(("odd", "expected"), [("²", 400), ("٣", 400), ("9" * 20, 200)])
def test_an_odd_limit_is_refused_and_a_huge_one_is_the_most(
    api_client: TokenClient, client: Client, employee: User, odd: str, expected: int
) -> None:
    """A limit must be ASCII digits; more than the most is the most (40), as Mastodon answers."""
    assert api_client.get(f"/api/v1/timelines/public?limit={odd}").status_code == expected
    client.force_login(employee)
    assert client.get(f"/?limit={odd}").status_code == expected


@pytest.mark.parametrize("odd", ODD)
def test_posting_into_an_odd_space_from_the_composer_is_missing(client: Client, employee: User, odd: str) -> None:
    client.force_login(employee)
    response = client.post("/posts/new", {"body": "Bonjour", "space": odd})
    assert response.status_code == 404
