from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from essaim.accounts.models import Invitation, User
from essaim.network.selectors import network_settings
from essaim.spaces import services
from essaim.spaces.models import JoinRequest, Membership, Space, SpaceInvitation
from tests.accounts.factories import GuestFactory
from tests.spaces.factories import SpaceFactory

Role = Membership.Role


@pytest.fixture
def private_space(db: None) -> Space:
    return SpaceFactory(visibility=Space.Visibility.PRIVATE)


@pytest.fixture
def private_admin(private_space: Space) -> User:
    from tests.spaces.factories import member

    return member(private_space, Role.ADMIN).user


class TestJoinRequests:
    def test_request_then_approval_makes_a_member(
        self, private_space: Space, private_admin: User, employee: User
    ) -> None:
        request = services.join_request_create(actor=employee, space=private_space, message="  Bonjour ")
        assert request.message == "Bonjour"
        decided = services.join_request_approve(actor=private_admin, join_request=request, response="Bienvenue")
        assert decided.status == JoinRequest.Status.APPROVED
        assert decided.decided_by == private_admin
        assert Membership.objects.filter(space=private_space, user=employee, role=Role.MEMBER).exists()

    def test_second_pending_request_is_refused_with_a_message(self, private_space: Space, employee: User) -> None:
        services.join_request_create(actor=employee, space=private_space)
        with pytest.raises(ValidationError, match="already asked"):
            services.join_request_create(actor=employee, space=private_space)

    def test_refusal_keeps_the_person_out(self, private_space: Space, private_admin: User, employee: User) -> None:
        request = services.join_request_create(actor=employee, space=private_space)
        services.join_request_refuse(actor=private_admin, join_request=request, response="Non")
        assert not Membership.objects.filter(space=private_space, user=employee).exists()

    def test_handled_request_cannot_be_handled_again(
        self, private_space: Space, private_admin: User, employee: User
    ) -> None:
        request = services.join_request_create(actor=employee, space=private_space)
        services.join_request_refuse(actor=private_admin, join_request=request)
        with pytest.raises(ValidationError, match="already been handled"):
            services.join_request_approve(actor=private_admin, join_request=request)

    def test_members_cannot_approve(self, private_space: Space, employee: User) -> None:
        from tests.spaces.factories import member

        plain = member(private_space).user
        request = services.join_request_create(actor=employee, space=private_space)
        with pytest.raises(PermissionDenied):
            services.join_request_approve(actor=plain, join_request=request)


class TestInvitations:
    def test_colleague_invitation_is_accepted_into_a_membership(
        self, private_space: Space, private_admin: User, employee: User
    ) -> None:
        invitation = services.invitation_create(
            actor=private_admin, space=private_space, user=employee, role=Role.READER
        )
        membership = services.invitation_accept(actor=employee, invitation=invitation)
        assert membership.role == Role.READER
        with pytest.raises(ValidationError, match="already been answered"):
            services.invitation_decline(actor=employee, invitation=invitation)

    def test_only_the_invitee_answers(
        self, private_space: Space, private_admin: User, employee: User, colleague: User
    ) -> None:
        invitation = services.invitation_create(actor=private_admin, space=private_space, user=employee)
        with pytest.raises(ValidationError, match="someone else"):
            services.invitation_accept(actor=colleague, invitation=invitation)

    def test_inviting_twice_or_a_member_is_refused(
        self, private_space: Space, private_admin: User, employee: User
    ) -> None:
        services.invitation_create(actor=private_admin, space=private_space, user=employee)
        with pytest.raises(ValidationError, match="already waiting"):
            services.invitation_create(actor=private_admin, space=private_space, user=employee)
        with pytest.raises(ValidationError, match="already a member"):
            services.invitation_create(actor=private_admin, space=private_space, user=private_admin)

    def test_existing_guest_is_invited_by_email(self, private_space: Space, private_admin: User) -> None:
        guest = GuestFactory(email="ext@partner.example")
        invitation = services.invitation_create(actor=private_admin, space=private_space, email="EXT@partner.example")
        assert invitation.user == guest
        services.invitation_accept(actor=guest, invitation=invitation)
        assert Membership.objects.filter(space=private_space, user=guest).exists()

    def test_guests_cannot_be_invited_as_moderators(self, private_space: Space, private_admin: User) -> None:
        guest = GuestFactory()
        with pytest.raises(ValidationError, match="External guests"):
            services.invitation_create(actor=private_admin, space=private_space, user=guest, role=Role.MODERATOR)

    def test_no_guest_invitation_when_guests_are_not_allowed(self, private_space: Space, private_admin: User) -> None:
        settings_row = network_settings()
        settings_row.guests_allowed = False
        settings_row.save()
        from django.core.cache import cache

        cache.clear()
        with pytest.raises(ValidationError, match="not allowed"):
            services.invitation_create(actor=private_admin, space=private_space, email="new@partner.example")

    def test_new_external_address_needs_a_network_admin(self, private_space: Space, private_admin: User) -> None:
        with pytest.raises(ValidationError, match="network administrator"):
            services.invitation_create(actor=private_admin, space=private_space, email="new@partner.example")

    def test_network_admin_invites_a_new_external_who_accepts_after_signing_up(
        self, private_space: Space, network_admin: User, django_capture_on_commit_callbacks
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_create(
                actor=network_admin, space=private_space, email="new@partner.example"
            )
        assert Invitation.objects.get(email="new@partner.example").kind == User.Kind.GUEST
        assert len(mail.outbox) == 1
        newcomer = GuestFactory(email="new@partner.example")
        services.invitation_accept(actor=newcomer, invitation=invitation)
        assert SpaceInvitation.objects.get(pk=invitation.pk).user == newcomer

    def test_admin_revokes_a_pending_invitation(
        self, private_space: Space, private_admin: User, employee: User
    ) -> None:
        invitation = services.invitation_create(actor=private_admin, space=private_space, user=employee)
        services.invitation_revoke(actor=private_admin, invitation=invitation)
        with pytest.raises(ValidationError, match="already been answered"):
            services.invitation_accept(actor=employee, invitation=invitation)
