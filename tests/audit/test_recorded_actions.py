"""Every privileged action leaves one entry in the audit log, written in its own transaction: who, what, on
whom or what, where, and what changed. An action that fails or changes nothing leaves none."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from essaim.accounts import services as accounts
from essaim.audit.models import AuditAction, AuditEntry
from essaim.audit.services import record
from essaim.network import services as network
from essaim.people import services as people
from essaim.people.models import ProfileField
from essaim.spaces import services as spaces
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream
from tests.accounts.factories import AdminFactory, UserFactory
from tests.spaces.factories import SpaceFactory, member

pytestmark = pytest.mark.django_db
Role = Membership.Role


def _only_entry() -> AuditEntry:
    entries = list(AuditEntry.objects.all())
    assert len(entries) == 1, [str(e) for e in entries]
    return entries[0]


@pytest.fixture
def admin() -> Any:
    return AdminFactory(first_name="Camille", last_name="Moreau", handle="camille")


def test_an_entry_names_its_actor_and_target_as_they_were(admin: Any) -> None:
    person = UserFactory(first_name="Léa", last_name="Martin")
    accounts.user_deactivate(actor=admin, user=person)
    entry = _only_entry()
    assert (entry.action, entry.actor_id, entry.actor_name) == (
        AuditAction.USER_DEACTIVATED,
        admin.pk,
        "Camille Moreau (@camille)",
    )
    assert (entry.target_type, entry.target_id, entry.target_label) == ("accounts.user", str(person.pk), "Léa Martin")
    assert entry.details == {"credentials_revoked": True}


def test_an_action_rolled_back_leaves_no_entry(admin: Any) -> None:
    person = UserFactory()

    def deactivate_then_fail() -> None:
        with transaction.atomic():
            accounts.user_deactivate(actor=admin, user=person)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        deactivate_then_fail()
    assert not AuditEntry.objects.exists()


def test_an_action_refused_leaves_no_entry(admin: Any) -> None:
    with pytest.raises(ValidationError):
        accounts.user_deactivate(actor=admin, user=admin)
    assert not AuditEntry.objects.exists()


def test_the_system_is_an_actor_without_a_name() -> None:
    entry = record(AuditAction.BACKUP_REQUESTED, actor=None, label="nightly")
    assert (entry.actor_id, entry.actor_name, entry.target_label) == (None, "", "nightly")


def test_roles_granted_and_withdrawn_and_only_when_they_change(admin: Any) -> None:
    person = UserFactory()
    accounts.user_role_set(actor=admin, user=person, role="compliance_officer", enabled=True)
    accounts.user_role_set(actor=admin, user=person, role="compliance_officer", enabled=True)
    accounts.user_role_set(actor=admin, user=person, role="compliance_officer", enabled=False)
    assert [(e.action, e.details) for e in AuditEntry.objects.order_by("id")] == [
        (AuditAction.ROLE_GRANTED, {"role": "compliance_officer"}),
        (AuditAction.ROLE_WITHDRAWN, {"role": "compliance_officer"}),
    ]


def test_reactivation(admin: Any) -> None:
    person = UserFactory(is_active=False)
    accounts.user_reactivate(actor=admin, user=person)
    assert _only_entry().action == AuditAction.USER_REACTIVATED


def test_invitations_sent_resent_and_revoked(admin: Any, mailoutbox: list[Any]) -> None:
    invitation = accounts.invitation_send(actor=admin, email="new@example.com", first_name="Noé")
    accounts.invitation_resend(actor=admin, invitation=invitation)
    accounts.invitation_revoke(actor=admin, invitation=invitation)
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries] == [
        AuditAction.INVITATION_SENT,
        AuditAction.INVITATION_RESENT,
        AuditAction.INVITATION_REVOKED,
    ]
    assert {e.target_id for e in entries} == {str(invitation.pk)}


def test_network_settings_record_what_changed_from_what(admin: Any) -> None:
    network.network_rename(actor=admin, name="Atelier Boréal")
    network.network_settings_update(
        actor=admin,
        name="Atelier Boréal",
        accent_color="#123456",
        signup_open=True,
        signup_domains="boreal.example",
        guests_allowed=False,
    )
    renamed, changed = AuditEntry.objects.order_by("id")
    assert renamed.action == AuditAction.NETWORK_RENAMED
    assert renamed.details["name"] == "Atelier Boréal"
    assert changed.action == AuditAction.NETWORK_SETTINGS_CHANGED
    assert changed.details["changed"]["signup_domains"] == ["", "boreal.example"]
    assert changed.details["changed"]["signup_open"][1] is True
    assert "name" not in changed.details["changed"]


def test_profile_fields_created_changed_and_deleted(admin: Any) -> None:
    text = ProfileField.Kind.TEXT
    field = people.profile_field_create(actor=admin, label_fr="Bureau", label_en="Office", kind=text)
    people.profile_field_update(
        actor=admin, field=field, label_fr="Bureau", label_en="Desk", kind=text, choices="", position=3
    )
    people.profile_field_delete(actor=admin, field=field)
    assert [e.action for e in AuditEntry.objects.order_by("id")] == [
        AuditAction.PROFILE_FIELD_CREATED,
        AuditAction.PROFILE_FIELD_CHANGED,
        AuditAction.PROFILE_FIELD_DELETED,
    ]


class TestSpaces:
    @pytest.fixture
    def space(self) -> Space:
        return SpaceFactory(name="Projet Orion")

    def test_a_role_changed_by_a_manager_names_the_space_and_both_roles(self, space: Space) -> None:
        owner = member(space, Role.OWNER).user
        membership = member(space)
        spaces.membership_role_change(actor=owner, membership=membership, role=Role.MODERATOR)
        entry = _only_entry()
        assert (entry.action, entry.space_id, entry.target_id) == (
            AuditAction.SPACE_ROLE_CHANGED,
            space.pk,
            str(membership.user_id),
        )
        assert entry.details == {"space": "Projet Orion", "previous": Role.MEMBER, "role": Role.MODERATOR}

    def test_a_member_removed(self, space: Space) -> None:
        owner = member(space, Role.OWNER).user
        spaces.membership_remove(actor=owner, membership=member(space))
        assert _only_entry().action == AuditAction.SPACE_MEMBER_REMOVED

    def test_settings_changed_archived_restored_and_deleted(self, space: Space) -> None:
        owner = member(space, Role.OWNER).user
        spaces.space_update(actor=owner, space=space, name="Projet Orion", visibility=Space.Visibility.SECRET)
        spaces.space_update(actor=owner, space=space, name="Projet Orion", visibility=Space.Visibility.SECRET)
        spaces.space_archive(actor=owner, space=space)
        spaces.space_unarchive(actor=owner, space=space)
        spaces.space_delete(actor=owner, space=space)
        entries = list(AuditEntry.objects.order_by("id"))
        assert [e.action for e in entries] == [
            AuditAction.SPACE_SETTINGS_CHANGED,
            AuditAction.SPACE_ARCHIVED,
            AuditAction.SPACE_UNARCHIVED,
            AuditAction.SPACE_DELETED,
        ]
        assert entries[0].details == {"changed": {"visibility": [Space.Visibility.PUBLIC, Space.Visibility.SECRET]}}
        assert entries[-1].target_label == "Projet Orion", "the deleted space is still named"


def test_a_hidden_post_is_named_without_its_words(admin: Any) -> None:
    post = stream.post_create(actor=UserFactory(handle="lea"), body="Le chiffre d'affaires confidentiel")
    stream.post_hide(actor=admin, post=post)
    stream.post_hide(actor=admin, post=post, hidden=False)
    hidden, shown = AuditEntry.objects.order_by("id")
    assert (hidden.action, shown.action) == (AuditAction.POST_HIDDEN, AuditAction.POST_SHOWN)
    assert hidden.target_label == f"Post #{post.pk} by @lea"
    assert "confidentiel" not in str(hidden.details) + hidden.target_label
