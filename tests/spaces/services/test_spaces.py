from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from essaim.accounts.models import User
from essaim.spaces import services
from essaim.spaces.models import JoinRequest, Membership, Space
from tests.accounts.factories import UserFactory
from tests.spaces.factories import SpaceFactory

Visibility = Space.Visibility


class TestSpaceCreate:
    def test_employee_creates_a_space_and_becomes_its_owner(self, employee: User) -> None:
        space = services.space_create(actor=employee, name="  Équipe   Café ", visibility=Visibility.PRIVATE)
        assert space.name == "Équipe Café"
        assert space.slug == "equipe-cafe"
        assert space.search_key == "equipe cafe"
        assert Membership.objects.get(space=space, user=employee).role == Membership.Role.OWNER

    def test_same_name_with_other_accents_or_case_is_refused(self, employee: User) -> None:
        services.space_create(actor=employee, name="Équipe café")
        with pytest.raises(ValidationError) as error:
            services.space_create(actor=employee, name="EQUIPE CAFE")
        assert "already exists" in str(error.value)

    def test_empty_name_is_refused(self, employee: User) -> None:
        with pytest.raises(ValidationError, match="Give the space a name"):
            services.space_create(actor=employee, name="   ")

    def test_slug_gets_a_suffix_when_taken(self, employee: User) -> None:
        SpaceFactory(name="Autre", slug="atlas")
        assert services.space_create(actor=employee, name="Atlas").slug == "atlas-2"

    def test_guest_cannot_create_spaces(self, guest: User) -> None:
        with pytest.raises(PermissionDenied):
            services.space_create(actor=guest, name="Dehors")

    @override_settings(SPACE_CREATORS="admins")
    def test_only_network_admins_create_when_the_setting_says_admins(self, employee: User, network_admin: User) -> None:
        with pytest.raises(PermissionDenied):
            services.space_create(actor=employee, name="Atlas")
        assert services.space_create(actor=network_admin, name="Atlas").pk

    @override_settings(SPACE_CREATORS="communication")
    def test_communication_team_creates_when_the_setting_says_communication(self, db: None) -> None:
        communicator = UserFactory(is_communication_team=True)
        assert services.space_create(actor=communicator, name="Annonces").pk
        with pytest.raises(PermissionDenied):
            services.space_create(actor=UserFactory(), name="Autre")

    def test_sub_space_cannot_be_wider_than_its_parent(self, employee: User) -> None:
        parent = services.space_create(actor=employee, name="Direction", visibility=Visibility.PRIVATE)
        with pytest.raises(ValidationError, match="more open than its parent"):
            services.space_create(actor=employee, name="Tous", visibility=Visibility.PUBLIC, parent=parent)
        child = services.space_create(actor=employee, name="Comité", visibility=Visibility.SECRET, parent=parent)
        assert child.parent == parent

    def test_sub_spaces_do_not_nest(self, employee: User) -> None:
        parent = services.space_create(actor=employee, name="A")
        child = services.space_create(actor=employee, name="B", parent=parent)
        with pytest.raises(ValidationError, match="cannot have sub-spaces"):
            services.space_create(actor=employee, name="C", parent=child)

    def test_only_parent_admins_create_sub_spaces(self, employee: User, colleague: User) -> None:
        parent = services.space_create(actor=employee, name="A")
        with pytest.raises(PermissionDenied):
            services.space_create(actor=colleague, name="B", parent=parent)


class TestSpaceUpdate:
    def test_narrowing_a_parent_narrows_its_sub_spaces(self, employee: User) -> None:
        parent = services.space_create(actor=employee, name="A")
        child = services.space_create(actor=employee, name="B", parent=parent)
        services.space_update(actor=employee, space=parent, name="A", visibility=Visibility.SECRET)
        child.refresh_from_db()
        assert child.visibility == Visibility.SECRET

    def test_renaming_onto_another_space_name_is_refused(self, employee: User) -> None:
        services.space_create(actor=employee, name="A")
        b = services.space_create(actor=employee, name="B")
        with pytest.raises(ValidationError, match="already exists"):
            services.space_update(actor=employee, space=b, name="a", visibility=Visibility.PUBLIC)

    def test_member_cannot_edit_settings(self, space: Space, space_member: User) -> None:
        with pytest.raises(PermissionDenied):
            services.space_update(actor=space_member, space=space, name="X", visibility=Visibility.PUBLIC)


class TestArchiveAndDelete:
    def test_archiving_archives_sub_spaces_and_unarchiving_restores_them(self, employee: User) -> None:
        parent = services.space_create(actor=employee, name="A")
        child = services.space_create(actor=employee, name="B", parent=parent)
        services.space_archive(actor=employee, space=parent)
        child.refresh_from_db()
        assert child.archived_at is not None
        with pytest.raises(ValidationError, match="parent space first"):
            services.space_unarchive(actor=employee, space=child)
        services.space_unarchive(actor=employee, space=parent)
        child.refresh_from_db()
        assert child.archived_at is None

    def test_archived_space_is_read_only(self, space: Space, owner: User, employee: User) -> None:
        services.space_archive(actor=owner, space=space)
        with pytest.raises(PermissionDenied):
            services.membership_join(actor=employee, space=space)

    def test_owner_deletes_with_everything_in_it(self, space: Space, owner: User, employee: User) -> None:
        child = SpaceFactory(parent=space)
        JoinRequest.objects.create(space=space, user=employee)
        services.space_delete(actor=owner, space=space)
        assert not Space.objects.filter(pk__in=[space.pk, child.pk]).exists()
        assert not JoinRequest.objects.exists()

    def test_network_admin_deletes_any_space(self, space: Space, network_admin: User) -> None:
        services.space_delete(actor=network_admin, space=space)
        assert not Space.objects.filter(pk=space.pk).exists()

    def test_space_admin_cannot_delete(self, space: Space, space_admin: User) -> None:
        with pytest.raises(PermissionDenied):
            services.space_delete(actor=space_admin, space=space)


class TestSubSpacePostsOption:
    def test_a_parent_space_shows_its_sub_spaces_posts_when_asked(self, employee: User) -> None:
        space = services.space_create(actor=employee, name="Parent", include_subspace_posts=True)
        assert space.include_subspace_posts is True
        services.space_update(actor=employee, space=space, name="Parent", visibility=space.visibility)
        assert space.include_subspace_posts is True  # None keeps the setting
        services.space_update(
            actor=employee, space=space, name="Parent", visibility=space.visibility, include_subspace_posts=False
        )
        space.refresh_from_db()
        assert space.include_subspace_posts is False

    def test_a_sub_space_cannot_ask_for_it(self, employee: User) -> None:
        parent = services.space_create(actor=employee, name="Parent")
        with pytest.raises(ValidationError, match="only a parent space"):
            services.space_create(actor=employee, name="Enfant", parent=parent, include_subspace_posts=True)
        child = services.space_create(actor=employee, name="Enfant", parent=parent)
        with pytest.raises(ValidationError, match="only a parent space"):
            services.space_update(
                actor=employee, space=child, name="Enfant", visibility=child.visibility, include_subspace_posts=True
            )
