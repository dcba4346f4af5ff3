"""An entry's details read in the reader's words: keys labelled, codes named, changes as "before → after"."""

from __future__ import annotations

import pytest
from django.utils import translation

from essaim.audit.models import AuditAction, AuditEntry
from essaim.audit.presenting import details
from essaim.network.models import NetworkSettings
from essaim.spaces.models import Space
from tests.spaces.factories import SpaceFactory


def _entry(target_type: str = "", **found: object) -> AuditEntry:
    return AuditEntry(action=AuditAction.SPACE_ROLE_CHANGED, target_type=target_type, details=found)


def test_roles_and_visibilities_are_named_not_coded() -> None:
    with translation.override("en"):
        lines = details(_entry(space="Projet Orion", previous="member", role="moderator"))
    assert lines == [("Space", "Projet Orion"), ("Before", "Member"), ("Role", "Moderator")]


def test_in_french() -> None:
    with translation.override("fr"):
        assert details(_entry(role="compliance_officer", credentials_revoked=True)) == [
            ("Rôle", "Responsable conformité"),
            ("Sessions et jetons d’API révoqués", "oui"),
        ]


@pytest.mark.parametrize(
    ("model", "changed", "expected"),
    [
        (NetworkSettings, {"signup_open": [False, True]}, [("Self sign-up open", "no → yes")]),
        (Space, {"visibility": ["public", "secret"]}, [("Visibility", "Public → Secret")]),
        (Space, {"description": ["", "Le projet"]}, [("Short description", "— → Le projet")]),
    ],
)
def test_a_change_of_settings_is_one_line_per_field_named_by_the_model(model, changed, expected) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):
        assert details(_entry(model._meta.label_lower, changed=changed)) == expected


def test_what_it_does_not_know_is_shown_as_it_is() -> None:
    with translation.override("en"):
        assert details(_entry("nowhere.nothing", changed={"colour": ["a", "b"]}, mood="fine")) == [
            ("colour", "a → b"),
            ("mood", "fine"),
        ]


@pytest.mark.django_db
def test_a_space_deleted_since_is_still_described() -> None:
    space = SpaceFactory()
    entry = _entry("spaces.space", changed={"name": ["Orion", "Orion 2"]})
    space.delete()
    with translation.override("en"):
        assert details(entry) == [("Name", "Orion → Orion 2")]
