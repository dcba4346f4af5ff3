"""Provisioning's services: the directory as actor, audited; tokens made and revoked by administrators."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from essaim.accounts.models import User
from essaim.audit.models import AuditAction, AuditEntry
from essaim.people.models import Department
from essaim.scim import services
from essaim.scim.actors import DirectoryActor
from essaim.scim.errors import ScimError
from essaim.scim.resources import GroupFields, UserFields

pytestmark = pytest.mark.django_db


class TestTokens:
    def test_an_administrator_makes_a_token_shown_once_and_audited(self, network_admin: User) -> None:
        token, raw = services.scim_token_create(actor=network_admin, name=" Okta ")
        assert raw.startswith("scim_")
        assert token.name == "Okta"
        assert raw not in token.token_hash
        assert token.prefix == raw[:12]
        entry = AuditEntry.objects.get(action=AuditAction.SCIM_TOKEN_CREATED)
        assert entry.actor_id == network_admin.pk

    def test_others_cannot_make_or_revoke_one(self, network_admin: User, employee: User) -> None:
        with pytest.raises(PermissionDenied):
            services.scim_token_create(actor=employee, name="Okta")
        token, _raw = services.scim_token_create(actor=network_admin, name="Okta")
        with pytest.raises(Http404):  # a token they may not see, like one that does not exist
            services.scim_token_revoke(actor=employee, token=token)

    def test_a_revoked_token_is_audited_once(self, network_admin: User) -> None:
        token, _raw = services.scim_token_create(actor=network_admin, name="Okta")
        services.scim_token_revoke(actor=network_admin, token=token)
        services.scim_token_revoke(actor=network_admin, token=token)
        assert AuditEntry.objects.filter(action=AuditAction.SCIM_TOKEN_REVOKED).count() == 1


class TestPeople:
    def test_every_write_is_audited_with_the_token_as_actor(self, directory: DirectoryActor) -> None:
        fields = UserFields(user_name="lea@example.com", given_name="Léa", family_name="Martin", department="Ventes")
        user = services.user_provision(actor=directory, fields=fields)
        fields.title = "Juriste"
        services.user_replace(actor=directory, user=user, fields=fields)
        services.user_retire(actor=directory, user=user)
        actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor_id", "actor_name"))
        assert [a for a, _id, _name in actions if a != AuditAction.SCIM_TOKEN_CREATED] == [
            AuditAction.DEPARTMENT_PROVISIONED,
            AuditAction.USER_PROVISIONED,
            AuditAction.USER_DIRECTORY_UPDATED,
            AuditAction.USER_DEACTIVATED,
        ]
        for action, actor_id, actor_name in actions[1:]:
            assert actor_id is None, action
            assert actor_name == f"SCIM: Okta ({directory.token.prefix}…)"

    def test_a_person_without_an_address_gets_a_placeholder_that_never_signs_in(
        self, directory: DirectoryActor
    ) -> None:
        user = services.user_provision(actor=directory, fields=UserFields(user_name="7f1c2a"))
        assert user.email.endswith("@directory.invalid")
        assert not user.has_usable_password()
        assert (user.first_name, user.last_name) == ("7f1c2a", "7f1c2a")

    def test_a_manager_loop_is_refused(self, directory: DirectoryActor) -> None:
        boss = services.user_provision(actor=directory, fields=UserFields(user_name="boss@example.com"))
        fields = UserFields(user_name="lea@example.com", manager_id=str(boss.pk))
        lea = services.user_provision(actor=directory, fields=fields)
        with pytest.raises(ScimError):
            services.user_replace(
                actor=directory, user=lea, fields=UserFields(user_name="lea@example.com", manager_id=str(lea.pk))
            )

    def test_a_person_cannot_provision(self, network_admin: User) -> None:
        with pytest.raises(PermissionDenied):
            services.user_provision(actor=network_admin, fields=UserFields(user_name="x@example.com"))


class TestGroups:
    def test_a_group_is_a_department_and_a_person_is_in_one(self, directory: DirectoryActor) -> None:
        lea = services.user_provision(actor=directory, fields=UserFields(user_name="lea@example.com"))
        sales = services.group_provision(actor=directory, fields=GroupFields("Ventes", member_ids=[str(lea.pk)]))
        legal = services.group_provision(actor=directory, fields=GroupFields("Juridique", member_ids=[str(lea.pk)]))
        lea.profile.refresh_from_db()
        assert lea.profile.department == legal  # joining a second department leaves the first
        assert not User.objects.filter(profile__department=sales).exists()
        services.group_delete(actor=directory, department=legal)
        assert not Department.objects.filter(pk=legal.pk).exists()
        lea.refresh_from_db()
        assert lea.is_active
