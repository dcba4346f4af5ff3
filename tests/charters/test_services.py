"""Publishing versions (network's and a space's), accepting them, and what each person has pending."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from essaim.accounts.models import User
from essaim.audit.models import AuditAction, AuditEntry
from essaim.charters import selectors, services
from essaim.charters.models import Charter, CharterAcceptance
from essaim.spaces.models import Membership
from tests.spaces.factories import MembershipFactory, SpaceFactory, member

pytestmark = pytest.mark.django_db


def publish(actor: User, *, major: bool = True, space: object = None, fr: str = "Soyez courtois.") -> Charter:
    return services.charter_publish(
        actor=actor, space=space, body_fr=fr, body_en="Be courteous.", requires_acceptance=major
    )


class TestPublish:
    def test_versions_are_numbered_per_scope(self, network_admin: User) -> None:
        space = SpaceFactory()
        owner = member(space, Membership.Role.OWNER).user
        assert [publish(network_admin).version, publish(network_admin).version] == [1, 2]
        assert publish(owner, space=space).version == 1

    def test_the_publisher_has_accepted_it_and_the_audit_log_says_so(self, network_admin: User) -> None:
        charter = publish(network_admin, major=False)
        assert charter.requires_acceptance, "the first version always asks"
        assert CharterAcceptance.objects.filter(user=network_admin, charter=charter).exists()
        entry = AuditEntry.objects.get(action=AuditAction.CHARTER_PUBLISHED)
        assert entry.actor_id == network_admin.pk
        assert entry.details == {"version": 1, "requires_acceptance": True}

    def test_a_space_charter_is_logged_with_its_space(self, employee: User) -> None:
        space = SpaceFactory()
        MembershipFactory(space=space, user=employee, role=Membership.Role.ADMIN)
        charter = publish(employee, space=space)
        entry = AuditEntry.objects.get(action=AuditAction.SPACE_CHARTER_PUBLISHED)
        assert (entry.space_id, entry.target_id) == (space.pk, str(charter.pk))

    def test_a_text_in_one_language_at_least(self, network_admin: User) -> None:
        with pytest.raises(ValidationError, match="in French, in English"):
            services.charter_publish(actor=network_admin, body_fr=" ", body_en="", requires_acceptance=True)

    def test_only_network_administrators_publish_the_networks(self, employee: User) -> None:
        with pytest.raises(PermissionDenied):
            publish(employee)

    def test_only_the_spaces_administrators_publish_its_own(self, employee: User, network_admin: User) -> None:
        space = SpaceFactory()
        MembershipFactory(space=space, user=employee, role=Membership.Role.MODERATOR)
        with pytest.raises(PermissionDenied):
            publish(employee, space=space)
        assert publish(network_admin, space=space).version == 1  # network administrators run every space


class TestPending:
    def test_nothing_pending_without_a_charter(self, employee: User) -> None:
        assert selectors.pending_for(employee) is None

    def test_a_major_version_is_pending_until_accepted(self, network_admin: User, employee: User) -> None:
        charter = publish(network_admin)
        assert selectors.pending_for(employee) == charter
        services.charter_accept(actor=employee, charter=charter)
        assert selectors.pending_for(employee) is None

    def test_a_minor_version_asks_nobody_again(self, network_admin: User, employee: User) -> None:
        services.charter_accept(actor=employee, charter=publish(network_admin))
        publish(network_admin, major=False, fr="Soyez courtois (coquille).")
        assert selectors.pending_for(employee) is None

    def test_a_newcomer_accepts_the_current_text_which_covers_the_last_major(
        self, network_admin: User, employee: User
    ) -> None:
        publish(network_admin)
        minor = publish(network_admin, major=False)
        assert selectors.pending_for(employee) == minor
        services.charter_accept(actor=employee, charter=minor)
        assert selectors.pending_for(employee) is None

    def test_a_new_major_version_asks_again(self, network_admin: User, employee: User) -> None:
        services.charter_accept(actor=employee, charter=publish(network_admin))
        second = publish(network_admin)
        assert selectors.pending_for(employee) == second

    def test_only_the_current_version_is_accepted(self, network_admin: User, employee: User) -> None:
        first = publish(network_admin)
        publish(network_admin)
        with pytest.raises(ValidationError, match="newer version"):
            services.charter_accept(actor=employee, charter=first)

    def test_accepting_twice_changes_nothing(self, network_admin: User, employee: User) -> None:
        charter = publish(network_admin)
        first = services.charter_accept(actor=employee, charter=charter)
        assert services.charter_accept(actor=employee, charter=charter) == first
        assert CharterAcceptance.objects.filter(user=employee).count() == 1


class TestSpaceCharters:
    def test_a_space_charter_is_pending_in_its_space_only(self, employee: User, guest: User) -> None:
        space, other = SpaceFactory(), SpaceFactory()
        owner = member(space, Membership.Role.OWNER).user
        MembershipFactory(space=space, user=guest)
        charter = publish(owner, space=space)
        assert selectors.space_pending_for(guest, space.pk) == charter
        assert selectors.space_pending_for(guest, other.pk) is None
        assert selectors.pending_for(guest) is None, "a space's charter is not the network's"
        services.charter_accept(actor=guest, charter=charter)
        assert selectors.space_pending_for(guest, space.pk) is None

    def test_a_space_one_cannot_see_is_not_found(self, guest: User) -> None:
        space = SpaceFactory()
        charter = publish(member(space, Membership.Role.OWNER).user, space=space)
        with pytest.raises(Http404):
            services.charter_accept(actor=guest, charter=charter)


class TestTheRequirementIsCached:
    def test_no_query_once_known_and_forgotten_when_a_version_is_published(
        self, network_admin: User, django_assert_num_queries: object
    ) -> None:
        assert selectors.requirement() is None
        with django_assert_num_queries(0):  # type: ignore[operator]
            assert selectors.requirement() is None
        charter = publish(network_admin)
        assert selectors.requirement() == selectors.Requirement(charter.pk, 1)
