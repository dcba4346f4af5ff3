"""What the spaces' services emit (``essaim.events``): every membership that starts, ends or changes
role, by whom (``None``: a rule), and the invitations and requests to join with their answers."""

from __future__ import annotations

import pytest

from essaim.accounts.models import User
from essaim.events.types import Event, JoinAnswered, JoinRequested, MembershipChanged, SpaceInvitationSent
from essaim.people.models import Department
from essaim.spaces import services
from essaim.spaces.models import Membership, Space
from tests.accounts.factories import UserFactory
from tests.spaces.factories import SpaceFactory, member

Role = Membership.Role


def _changed(actor: User | None, space: Space, user: User, role: str | None, previous: str | None = None) -> Event:
    return MembershipChanged(
        actor_id=actor.pk if actor else None, space_id=space.pk, user_id=user.pk, role=role, previous_role=previous
    )


class TestMemberships:
    def test_creating_a_space_makes_its_creator_owner(self, employee: User, capture_events: list[Event]) -> None:
        space = services.space_create(actor=employee, name="Atelier vélo", visibility=Space.Visibility.PUBLIC)
        assert capture_events == [_changed(employee, space, employee, Role.OWNER)]

    def test_join_role_change_leave_and_removal(
        self, space: Space, owner: User, employee: User, colleague: User, capture_events: list[Event]
    ) -> None:
        services.membership_join(actor=employee, space=space)
        membership = services.membership_join(actor=colleague, space=space)
        services.membership_role_change(actor=owner, membership=membership, role=Role.MODERATOR)
        services.membership_role_change(actor=owner, membership=membership, role=Role.MODERATOR)  # no change
        services.membership_leave(actor=employee, space=space)
        services.membership_remove(actor=owner, membership=membership)
        assert capture_events == [
            _changed(employee, space, employee, Role.MEMBER),
            _changed(colleague, space, colleague, Role.MEMBER),
            _changed(owner, space, colleague, Role.MODERATOR, Role.MEMBER),
            _changed(employee, space, employee, None, Role.MEMBER),
            _changed(owner, space, colleague, None, Role.MODERATOR),
        ]

    def test_rules_add_and_remove_with_no_actor(self, space: Space, owner: User, capture_events: list[Event]) -> None:
        sales, legal = Department.objects.create(name="Ventes"), Department.objects.create(name="Juridique")
        person = UserFactory()
        person.profile.department = sales
        person.profile.save()
        services.rule_create(actor=owner, space=space, department_id=sales.pk)
        person.profile.department = legal
        person.profile.save()
        services.memberships_sync_for_user(user=person)
        assert capture_events == [
            _changed(None, space, person, Role.MEMBER),
            _changed(None, space, person, None, Role.MEMBER),
        ]


class TestRequestsAndInvitations:
    @pytest.fixture
    def private_space(self, db: None) -> Space:
        return SpaceFactory(visibility=Space.Visibility.PRIVATE)

    def test_a_request_its_approval_and_the_membership_it_gives(
        self, private_space: Space, employee: User, colleague: User, capture_events: list[Event]
    ) -> None:
        admin = member(private_space, Role.ADMIN).user
        request = services.join_request_create(actor=employee, space=private_space)
        services.join_request_approve(actor=admin, join_request=request)
        refused = services.join_request_create(actor=colleague, space=private_space)
        services.join_request_refuse(actor=admin, join_request=refused)
        assert capture_events == [
            JoinRequested(actor_id=employee.pk, request_id=request.pk, space_id=private_space.pk),
            JoinAnswered(
                actor_id=admin.pk, request_id=request.pk, space_id=private_space.pk, user_id=employee.pk, accepted=True
            ),
            _changed(admin, private_space, employee, Role.MEMBER),
            JoinRequested(actor_id=colleague.pk, request_id=refused.pk, space_id=private_space.pk),
            JoinAnswered(
                actor_id=admin.pk,
                request_id=refused.pk,
                space_id=private_space.pk,
                user_id=colleague.pk,
                accepted=False,
            ),
        ]

    def test_an_invitation_and_its_acceptance(
        self, private_space: Space, employee: User, capture_events: list[Event]
    ) -> None:
        admin = member(private_space, Role.ADMIN).user
        invitation = services.invitation_create(actor=admin, space=private_space, user=employee)
        services.invitation_accept(actor=employee, invitation=invitation)
        assert capture_events == [
            SpaceInvitationSent(
                actor_id=admin.pk, invitation_id=invitation.pk, space_id=private_space.pk, user_id=employee.pk
            ),
            _changed(employee, private_space, employee, Role.MEMBER),
        ]
