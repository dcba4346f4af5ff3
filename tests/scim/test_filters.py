"""SCIM filters become one ``Q``: the grammar of RFC 7644 §3.4.2.2, and a clear 400 for anything else."""

from __future__ import annotations

import pytest

from essaim.accounts.models import User
from essaim.scim.errors import ScimError
from essaim.scim.filters import group_filter, user_filter
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: None) -> dict[str, User]:
    return {
        "lea": UserFactory(first_name="Léa", last_name="Martin", email="lea@example.com", is_active=True),
        "paul": UserFactory(first_name="Paul", last_name="Martin", email="paul@example.org", is_active=False),
        "zoe": UserFactory(first_name="Zoé", last_name="Petit", email="zoe@example.com"),
    }


def matching(text: str) -> set[str]:
    return set(User.objects.filter(user_filter(text)).values_list("first_name", flat=True))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('name.familyName eq "MARTIN"', {"Léa", "Paul"}),
        ('name.familyName ne "Martin"', {"Zoé"}),
        ('emails.value co "@example.c"', {"Léa", "Zoé"}),
        ('emails sw "PAUL"', {"Paul"}),
        ('userName ew ".org"', {"Paul"}),  # a person without a SCIM identity: their address
        ("active eq false", {"Paul"}),
        ('active eq "False"', {"Paul"}),
        ('name.familyName eq "Martin" and active eq true', {"Léa"}),
        ('name.givenName eq "Zoé" or (name.familyName eq "Martin" and not (active eq true))', {"Zoé", "Paul"}),
        ('emails[value eq "zoe@example.com"]', {"Zoé"}),
        ('urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq "Léa"', {"Léa"}),
        ('name.givenName eq "L\\u00e9a"', {"Léa"}),  # JSON escapes in strings
        ("title pr", set()),
        ('id eq "abc"', set()),
        ('meta.created gt "2000-01-01T00:00:00Z"', {"Léa", "Paul", "Zoé"}),
    ],
)
def test_user_filters(people: dict[str, User], text: str, expected: set[str]) -> None:
    assert matching(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "userName",
        'userName eq "x" and',
        'userName eq "x")',
        '(userName eq "x"',
        'emails[value eq "x"',
        'password eq "secret"',
        'userName like "x"',
        "userName eq bare",
        'active gt "true"',
        'id co "1"',
        'meta.created gt "yesterday"',
        'userName eq "unterminated',
    ],
)
def test_bad_filters_are_400_invalid_filter(text: str) -> None:
    with pytest.raises(ScimError) as raised:
        user_filter(text)
    assert (raised.value.status, raised.value.scim_type) == (400, "invalidFilter")


def test_group_filters_know_names_and_members(db: None) -> None:
    assert str(group_filter('displayName eq "Ventes"'))
    assert str(group_filter('members[value eq "12"]'))
    with pytest.raises(ScimError):
        group_filter('userName eq "x"')
