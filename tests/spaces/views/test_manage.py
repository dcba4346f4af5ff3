from __future__ import annotations

import pytest
from django.test import Client

from essaim.accounts.models import User
from essaim.people.models import Department
from essaim.spaces import services
from essaim.spaces.models import AutoMembershipRule, JoinRequest, Membership, Space, SpaceInvitation
from tests.accounts.factories import UserFactory
from tests.spaces.factories import MembershipFactory, SpaceFactory


@pytest.fixture
def atlas(db: None) -> Space:
    return SpaceFactory(name="Atlas", slug="atlas", search_key="atlas", visibility=Space.Visibility.PRIVATE)


@pytest.fixture
def admin_client(client: Client, atlas: Space, employee: User) -> Client:
    MembershipFactory(space=atlas, user=employee, role=Membership.Role.OWNER)
    client.force_login(employee)
    return client


class TestSettings:
    def test_admin_saves_settings(self, admin_client: Client, atlas: Space) -> None:
        response = admin_client.post(
            "/spaces/atlas/settings/", {"name": "Atlas 2", "visibility": "secret", "welcome": "Salut"}
        )
        assert response.status_code == 302
        atlas.refresh_from_db()
        assert (atlas.name, atlas.visibility, atlas.welcome) == ("Atlas 2", "secret", "Salut")

    def test_empty_name_keeps_the_form_with_a_message(self, admin_client: Client) -> None:
        response = admin_client.post(
            "/spaces/atlas/settings/", {"name": "", "visibility": "public", "welcome": "Gardé"}
        )
        assert response.status_code == 400
        assert "Gardé" in response.content.decode()

    def test_department_rule_from_the_settings_page(self, admin_client: Client, atlas: Space) -> None:
        sales = Department.objects.create(name="Ventes")
        seller = UserFactory()
        seller.profile.department = sales
        seller.profile.save()
        assert admin_client.post("/spaces/atlas/settings/rules/", {"department": sales.pk}).status_code == 302
        assert AutoMembershipRule.objects.filter(space=atlas, department=sales).exists()
        assert Membership.objects.filter(space=atlas, user=seller).exists()

    def test_archive_then_restore(self, admin_client: Client, atlas: Space) -> None:
        admin_client.post("/spaces/atlas/archive/")
        atlas.refresh_from_db()
        assert atlas.archived_at is not None
        admin_client.post("/spaces/atlas/archive/", {"restore": "1"})
        atlas.refresh_from_db()
        assert atlas.archived_at is None

    def test_delete_needs_the_name_typed(self, admin_client: Client, atlas: Space) -> None:
        assert admin_client.post("/spaces/atlas/delete/", {"confirm_name": "atlas"}).status_code == 400
        assert admin_client.post("/spaces/atlas/delete/", {"confirm_name": "Atlas"}).status_code == 302
        assert not Space.objects.filter(pk=atlas.pk).exists()


class TestRequestsAndInvitations:
    def test_admin_approves_a_request_and_a_second_answer_is_a_clear_400(
        self, admin_client: Client, atlas: Space, colleague: User
    ) -> None:
        join_request = services.join_request_create(actor=colleague, space=atlas)
        page = admin_client.get("/spaces/atlas/requests/")
        assert "Éloïse Dupré" in page.content.decode()
        url = f"/spaces/atlas/requests/{join_request.pk}/approve/"
        assert admin_client.post(url, {"response": "Bienvenue"}).status_code == 302
        assert JoinRequest.objects.get(pk=join_request.pk).status == JoinRequest.Status.APPROVED
        again = admin_client.post(f"/spaces/atlas/requests/{join_request.pk}/refuse/")
        assert again.status_code == 400
        assert "already been handled" in again.content.decode()

    def test_invite_a_colleague_by_handle_who_accepts(
        self, admin_client: Client, atlas: Space, colleague: User, client: Client
    ) -> None:
        response = admin_client.post("/spaces/atlas/invitations/", {"who": "@eloise.dupre", "role": "member"})
        assert response.status_code == 302
        invitation = SpaceInvitation.objects.get(space=atlas, user=colleague)
        client.force_login(colleague)
        assert "Atlas" in client.get("/spaces/invitations/").content.decode()
        assert client.post(f"/spaces/invitations/{invitation.pk}/accept/").status_code == 302
        assert Membership.objects.filter(space=atlas, user=colleague).exists()

    def test_unknown_handle_keeps_the_form(self, admin_client: Client) -> None:
        response = admin_client.post("/spaces/atlas/invitations/", {"who": "@personne", "role": "member"})
        assert response.status_code == 400
        assert "Nobody here has the handle or address @personne" in response.content.decode()

    def test_invite_several_people_at_once_with_the_picker(
        self, admin_client: Client, atlas: Space, colleague: User
    ) -> None:
        other = UserFactory(first_name="Marc", last_name="Petit", handle="marc.petit")
        data = {"who": ["@eloise.dupre", "@marc.petit", ""], "role": "member"}
        response = admin_client.post("/spaces/atlas/invitations/", data, follow=True)
        assert "The 2 invitations are sent." in response.content.decode()
        assert set(SpaceInvitation.objects.filter(space=atlas).values_list("user", flat=True)) == {
            colleague.pk,
            other.pk,
        }

    def test_one_refusal_sends_none_and_keeps_everyone_chosen(
        self, admin_client: Client, atlas: Space, colleague: User
    ) -> None:
        UserFactory(first_name="Marc", last_name="Petit", handle="marc.petit")
        MembershipFactory(space=atlas, user=colleague)
        data = {"who": ["@marc.petit", "@eloise.dupre"], "role": "member"}
        response = admin_client.post("/spaces/atlas/invitations/", data)
        html = response.content.decode()
        assert response.status_code == 400
        assert "Éloïse Dupré is already a member." in html
        assert not SpaceInvitation.objects.filter(space=atlas).exists()
        assert 'type="hidden" name="who" value="@marc.petit"' in html
        assert 'type="hidden" name="who" value="@eloise.dupre"' in html

    def test_someone_elses_invitation_is_not_found(self, admin_client: Client, atlas: Space, colleague: User) -> None:
        invitation = SpaceInvitation.objects.create(space=atlas, user=colleague)
        assert admin_client.post(f"/spaces/invitations/{invitation.pk}/accept/").status_code == 404


class TestMemberManagement:
    def test_owner_changes_a_role_and_removes_a_member(self, admin_client: Client, atlas: Space) -> None:
        target = MembershipFactory(space=atlas)
        assert admin_client.post(f"/spaces/atlas/members/{target.pk}/role/", {"role": "moderator"}).status_code == 302
        target.refresh_from_db()
        assert target.role == Membership.Role.MODERATOR
        assert admin_client.post(f"/spaces/atlas/members/{target.pk}/remove/").status_code == 302
        assert not Membership.objects.filter(pk=target.pk).exists()

    def test_bad_role_is_a_400(self, admin_client: Client, atlas: Space) -> None:
        target = MembershipFactory(space=atlas)
        assert admin_client.post(f"/spaces/atlas/members/{target.pk}/role/", {"role": "king"}).status_code == 400
