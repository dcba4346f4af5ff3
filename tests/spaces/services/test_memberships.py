from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from essaim.accounts.models import User
from essaim.spaces import services
from essaim.spaces.models import Membership, Space
from tests.spaces.factories import SpaceFactory, member

Role = Membership.Role


class TestJoinAndLeave:
    def test_employee_joins_a_public_space(self, space: Space, employee: User) -> None:
        assert services.membership_join(actor=employee, space=space).role == Role.MEMBER

    def test_joining_twice_is_refused(self, space: Space, space_member: User) -> None:
        with pytest.raises(PermissionDenied):
            services.membership_join(actor=space_member, space=space)

    def test_private_space_needs_a_request(self, employee: User) -> None:
        with pytest.raises(PermissionDenied):
            services.membership_join(actor=employee, space=SpaceFactory(visibility=Space.Visibility.PRIVATE))

    def test_secret_space_answers_not_found(self, employee: User) -> None:
        with pytest.raises(Http404):
            services.membership_join(actor=employee, space=SpaceFactory(visibility=Space.Visibility.SECRET))

    def test_member_leaves(self, space: Space, space_member: User) -> None:
        services.membership_leave(actor=space_member, space=space)
        assert not Membership.objects.filter(space=space, user=space_member).exists()

    def test_last_owner_cannot_leave_without_handing_over(self, space: Space, owner: User) -> None:
        with pytest.raises(ValidationError, match="last owner"):
            services.membership_leave(actor=owner, space=space)
        member(space, Role.OWNER)
        services.membership_leave(actor=owner, space=space)


class TestRoleChangeAndRemove:
    def test_admin_promotes_a_member_to_moderator(self, space: Space, space_admin: User) -> None:
        target = member(space)
        assert services.membership_role_change(actor=space_admin, membership=target, role=Role.MODERATOR).role == (
            Role.MODERATOR
        )

    def test_admin_cannot_make_owners(self, space: Space, space_admin: User) -> None:
        with pytest.raises(ValidationError, match="Only an owner"):
            services.membership_role_change(actor=space_admin, membership=member(space), role=Role.OWNER)

    def test_admin_cannot_remove_an_owner(self, space: Space, space_admin: User, owner: User) -> None:
        with pytest.raises(ValidationError, match="Only an owner"):
            services.membership_remove(actor=space_admin, membership=Membership.objects.get(user=owner))

    def test_last_owner_cannot_be_demoted_or_removed(self, space: Space, owner: User) -> None:
        mine = Membership.objects.get(user=owner)
        with pytest.raises(ValidationError, match="needs an owner"):
            services.membership_role_change(actor=owner, membership=mine, role=Role.ADMIN)
        with pytest.raises(ValidationError, match="needs an owner"):
            services.membership_remove(actor=owner, membership=mine)

    def test_guests_cannot_moderate(self, space: Space, owner: User, guest: User) -> None:
        membership = Membership.objects.create(space=space, user=guest)
        with pytest.raises(ValidationError, match="External guests"):
            services.membership_role_change(actor=owner, membership=membership, role=Role.MODERATOR)

    def test_unknown_role_is_refused(self, space: Space, owner: User) -> None:
        with pytest.raises(ValidationError, match="Choose a role"):
            services.membership_role_change(actor=owner, membership=member(space), role="king")

    def test_member_cannot_remove_others(self, space: Space, space_member: User) -> None:
        with pytest.raises(PermissionDenied):
            services.membership_remove(actor=space_member, membership=member(space))

    def test_admin_removes_a_member(self, space: Space, space_admin: User) -> None:
        target = member(space)
        services.membership_remove(actor=space_admin, membership=target)
        assert not Membership.objects.filter(pk=target.pk).exists()
