"""``access.visible_sql``: the space visibility rule as SQL says what ``visible`` says.

The spaces directory is one query written in SQL (``spaces.space_rows``); its visibility
condition comes from the space policy. Both forms must agree for every kind of reader and of
space, or the directory would list a space its page answers 404 for (or hide one it shows).
"""

from __future__ import annotations

from typing import Any

import pytest

from essaim import access
from essaim.core.rows import fetch
from essaim.spaces.models import Membership, Space
from essaim.stream.models import Post
from tests.access.test_visible_among import ACTORS, MEMBERSHIPS, _actors, _spaces


@pytest.fixture
def actors(db: None) -> dict[str, Any]:
    """Every kind of reader, with the roles ``MEMBERSHIPS`` gives them in every kind of space."""
    actors, spaces = _actors(), _spaces()
    for actor, space, role in MEMBERSHIPS:
        Membership.objects.create(user=actors[actor], space=spaces[space], role=role)
    return actors


@pytest.mark.parametrize("name", ACTORS)
def test_the_sql_condition_selects_the_spaces_visible_selects(actors, name: str) -> None:
    actor = actors[name]
    condition, params = access.visible_sql(actor, Space, "s")
    rows = fetch(f"SELECT s.id FROM {Space._meta.db_table} s WHERE {condition}", params)  # noqa: S608
    expected = set(access.visible(actor, Space.objects.all()).values_list("pk", flat=True))
    assert {row[0] for row in rows} == expected
    assert expected or name in {"anonymous", "deactivated"}  # every other reader sees some space here


def test_a_policy_without_an_sql_form_is_a_programming_error(db: None) -> None:
    with pytest.raises(LookupError):
        access.visible_sql(None, Post, "p")
