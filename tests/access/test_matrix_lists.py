"""Mastodon's lists are the spaces one belongs to: the lists' permission matrix, over the spaces' visibilities.

A list (``/api/v1/lists/:id``), its members and its timeline answer a member of the space, whatever their role, as
long as the policy lets them see it; anyone else gets 404, exactly as for a list that does not exist (a public
space one may read without belonging to it is not one of one's lists). Creating, changing or deleting a list is
refused (422) to its members and missing (404) to anyone else. The timeline's posts are the space's feed, decided
by ``Action.READ_POSTS`` (``tests/access/test_matrix_spaces.py``).
"""

from __future__ import annotations

from typing import Any

import pytest

from essaim.spaces.models import Membership, Space
from tests.access.conftest import read_table
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory
from tests.api.conftest import token_client_for
from tests.spaces.factories import MembershipFactory, SpaceFactory

PEOPLE = ["employee", "guest", "network_admin", "reader", "member", "owner", "guest_member"]
# One table per space visibility; columns follow PEOPLE.
TABLES = {
    Space.Visibility.PUBLIC: """
        detail     404 404 404 ok  ok  ok  ok
        timeline   404 404 404 ok  ok  ok  ok
        accounts   404 404 404 ok  ok  ok  ok
        change     404 404 404 422 422 422 422
    """,
    Space.Visibility.PRIVATE: """
        detail     404 404 404 ok  ok  ok  ok
        timeline   404 404 404 ok  ok  ok  ok
        accounts   404 404 404 ok  ok  ok  ok
        change     404 404 404 422 422 422 422
    """,
    Space.Visibility.SECRET: """
        detail     404 404 404 ok  ok  ok  ok
        timeline   404 404 404 ok  ok  ok  ok
        accounts   404 404 404 ok  ok  ok  ok
        change     404 404 404 422 422 422 422
    """,
}
ROLE_IN_SPACE = {
    "reader": Membership.Role.READER,
    "member": Membership.Role.MEMBER,
    "owner": Membership.Role.OWNER,
    "guest_member": Membership.Role.MEMBER,
}


def _person(who: str, space: Space) -> Any:
    if who in {"guest", "guest_member"}:
        person = GuestFactory()
    elif who == "network_admin":
        person = AdminFactory()
    else:
        person = UserFactory()
    if who in ROLE_IN_SPACE:
        MembershipFactory(space=space, user=person, role=ROLE_IN_SPACE[who])
    return person


@pytest.mark.parametrize("visibility", list(TABLES))
@pytest.mark.parametrize("who", PEOPLE)
def test_a_list(db: None, visibility: str, who: str) -> None:
    expected = read_table(TABLES[visibility], PEOPLE)
    space = SpaceFactory(visibility=visibility)
    api = token_client_for(_person(who, space))
    reads = {
        "detail": f"/api/v1/lists/{space.pk}",
        "timeline": f"/api/v1/timelines/list/{space.pk}",
        "accounts": f"/api/v1/lists/{space.pk}/accounts",
    }
    for row, path in reads.items():
        response = api.get(path)
        assert response.status_code == (200 if expected[row, who] == "ok" else int(expected[row, who])), row
    listed = [entry["id"] for entry in api.get("/api/v1/lists").json()]
    assert listed == ([str(space.pk)] if expected["detail", who] == "ok" else [])
    for method in ("put", "delete"):
        assert getattr(api, method)(f"/api/v1/lists/{space.pk}").status_code == int(expected["change", who])
    assert api.post(f"/api/v1/lists/{space.pk}/accounts").status_code == int(expected["change", who])
    assert Space.objects.filter(pk=space.pk).exists()
