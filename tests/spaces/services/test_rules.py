from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from essaim.accounts.models import User
from essaim.people.models import Department
from essaim.spaces import services
from essaim.spaces.models import Membership, Space
from tests.accounts.factories import GuestFactory, UserFactory


def _in_department(department: Department | None) -> User:
    user = UserFactory()
    user.profile.department = department
    user.profile.save()
    return user


class TestAutomaticRules:
    def test_rule_for_everyone_adds_every_active_employee_but_no_guest(self, space: Space, owner: User) -> None:
        people = [UserFactory() for _ in range(3)]
        guest = GuestFactory()
        UserFactory(is_active=False)
        services.rule_create(actor=owner, space=space)
        members = set(Membership.objects.filter(space=space).values_list("user_id", flat=True))
        assert {p.pk for p in people} <= members
        assert guest.pk not in members
        assert len(members) == 4  # the owner and the three

    def test_department_rule_adds_that_department_only(self, space: Space, owner: User) -> None:
        sales, legal = Department.objects.create(name="Ventes"), Department.objects.create(name="Juridique")
        seller, lawyer = _in_department(sales), _in_department(legal)
        services.rule_create(actor=owner, space=space, department_id=sales.pk)
        assert Membership.objects.filter(space=space, user=seller).exists()
        assert not Membership.objects.filter(space=space, user=lawyer).exists()

    def test_same_rule_twice_is_refused(self, space: Space, owner: User) -> None:
        services.rule_create(actor=owner, space=space)
        with pytest.raises(ValidationError, match="already exists"):
            services.rule_create(actor=owner, space=space)

    def test_sync_follows_a_department_change(self, space: Space, owner: User) -> None:
        sales, legal = Department.objects.create(name="Ventes"), Department.objects.create(name="Juridique")
        services.rule_create(actor=owner, space=space, department_id=sales.pk)
        person = _in_department(legal)
        services.memberships_sync_for_user(user=person)
        assert not Membership.objects.filter(space=space, user=person).exists()
        person.profile.department = sales
        person.profile.save()
        services.memberships_sync_for_user(user=person)
        assert Membership.objects.filter(space=space, user=person).exists()
        person.profile.department = legal
        person.profile.save()
        services.memberships_sync_for_user(user=person)
        assert not Membership.objects.filter(space=space, user=person).exists()

    def test_sync_keeps_people_promoted_since(self, space: Space, owner: User) -> None:
        sales = Department.objects.create(name="Ventes")
        services.rule_create(actor=owner, space=space, department_id=sales.pk)
        person = _in_department(sales)
        services.memberships_sync_for_user(user=person)
        Membership.objects.filter(space=space, user=person).update(role=Membership.Role.MODERATOR)
        person.profile.department = None
        person.profile.save()
        services.memberships_sync_for_user(user=person)
        assert Membership.objects.filter(space=space, user=person).exists()

    def test_deleting_a_rule_keeps_its_members(self, space: Space, owner: User) -> None:
        person = UserFactory()
        rule = services.rule_create(actor=owner, space=space)
        services.rule_delete(actor=owner, rule=rule)
        assert Membership.objects.filter(space=space, user=person).exists()


class TestRulesFollowPeople:
    """Rules apply to newcomers and to profile changes, not only when they are created."""

    def test_a_newcomer_joins_the_everyone_space(self, space: Space, owner: User) -> None:
        from essaim.accounts.services import user_create

        services.rule_create(actor=owner, space=space)
        newcomer = user_create(email="nouvelle@example.com", first_name="Nina", last_name="Nouvelle", password=None)
        assert Membership.objects.filter(space=space, user=newcomer).exists()

    def test_moving_department_moves_rule_memberships(self, space: Space, owner: User, network_admin: User) -> None:
        from essaim.people.services import profile_update

        sales, legal = Department.objects.create(name="Ventes"), Department.objects.create(name="Juridique")
        services.rule_create(actor=owner, space=space, department_id=sales.pk)
        person = _in_department(legal)
        assert not Membership.objects.filter(space=space, user=person).exists()

        def move(department: Department) -> None:
            profile = person.profile
            profile_update(
                actor=network_admin, profile=profile, job_title="", department=department, site=None,
                phone="", manager=None, languages="", bio="",
            )  # fmt: skip

        move(sales)
        assert Membership.objects.filter(space=space, user=person, added_by_rule__isnull=False).exists()
        move(legal)
        assert not Membership.objects.filter(space=space, user=person).exists()


class TestMembershipsFeedTheHomeTimeline:
    def test_joining_a_space_brings_its_earlier_posts_home(
        self, space: Space, owner: User, django_capture_on_commit_callbacks, drain_outbox
    ) -> None:
        from essaim.core.pagination import Cursor
        from essaim.stream import selectors as stream_selectors
        from essaim.stream.services import post_create

        with django_capture_on_commit_callbacks(execute=True):
            post = post_create(actor=owner, body="Bienvenue dans l'espace", space=space)
        newcomer = UserFactory()
        services.membership_join(actor=newcomer, space=space)
        drain_outbox()
        _pinned, page = stream_selectors.feed_home(actor=newcomer, cursor=Cursor(), with_announcements=False)
        assert post in page.items
