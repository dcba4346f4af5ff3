"""The spaces API (``/api/v1/spaces``): spaces, members, join requests, invitations, pins and statuses.

Most tests act through the session (the shared test client); one checks a personal token. The sweep at
the end crosses roles × visibilities for the main endpoints and checks each answer against the policy
(whose own table is ``tests/access/test_matrix_spaces.py``): 404 when the space is not visible, 403 when
the action is refused, 200 when allowed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.spaces.models import JoinRequest, Membership, Space, SpaceInvitation, SpacePin
from essaim.stream import services as stream_services
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory
from tests.api.conftest import token_client_for
from tests.spaces.factories import MembershipFactory, SpaceFactory, member

Role = Membership.Role
Visibility = Space.Visibility


def send(client: Client, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def as_user(client: Client) -> Any:
    def _as(user: User) -> Client:
        client.force_login(user)
        return client

    return _as


class TestSpaceList:
    def test_lists_the_visible_spaces_with_my_role_and_member_count(
        self, as_user: Any, employee: User, space: Space
    ) -> None:
        MembershipFactory(space=space, user=employee, role=Role.ADMIN)
        SpaceFactory(name="Direction", search_key="direction", visibility=Visibility.PRIVATE)
        SpaceFactory(name="Caché", search_key="cache", visibility=Visibility.SECRET)
        data = as_user(employee).get("/api/v1/spaces").json()
        by_name = {s["name"]: s for s in data}
        assert set(by_name) == {"Projet Atlas", "Direction"}
        atlas = by_name["Projet Atlas"]
        assert atlas["id"] == str(space.pk)
        assert atlas["role"] == "admin"
        assert atlas["member_count"] == 1
        assert atlas["permissions"]["invite"] is True
        assert by_name["Direction"]["permissions"]["read"] is False

    def test_search_scope_and_keyset_pages_with_a_link_header(
        self, as_user: Any, employee: User, django_assert_max_num_queries: Any
    ) -> None:
        for n in range(35):
            SpaceFactory(name=f"Équipe {n:02}", search_key=f"equipe {n:02}")
        client = as_user(employee)
        with django_assert_max_num_queries(10):
            first = client.get("/api/v1/spaces", {"q": "EQUIPE"})
        assert len(first.json()) == 30
        assert 'rel="next"' in first["Link"]
        next_url = first["Link"].split("<")[1].split(">")[0]
        second = client.get(next_url)
        assert [s["name"] for s in second.json()] == [f"Équipe {n}" for n in range(30, 35)]
        assert "Link" not in second
        assert client.get("/api/v1/spaces", {"scope": "mine"}).json() == []

    def test_an_unknown_scope_is_422(self, as_user: Any, employee: User) -> None:
        response = as_user(employee).get("/api/v1/spaces", {"scope": "all-of-them"})
        assert response.status_code == 422
        assert "Choose mine, public, private or archived." in response.json()["error"]


class TestSpaceCreateUpdate:
    def test_create_makes_me_the_owner(self, as_user: Any, employee: User) -> None:
        response = send(as_user(employee), "post", "/api/v1/spaces", {"name": "Café", "visibility": "private"})
        assert response.status_code == 200
        data = response.json()
        assert data["role"] == "owner"
        assert data["visibility"] == "private"
        assert data["slug"] == "cafe"
        assert Membership.objects.get(space_id=int(data["id"]), user=employee).role == Role.OWNER

    def test_create_a_sub_space_under_a_space_i_run(self, as_user: Any, owner: User, space: Space) -> None:
        response = send(as_user(owner), "post", "/api/v1/spaces", {"name": "Équipe", "parent_id": str(space.pk)})
        assert response.json()["parent_id"] == str(space.pk)

    def test_a_duplicate_name_is_422_in_the_readers_language(self, client: Client, space: Space) -> None:
        french = UserFactory(language="fr")
        response = send(token_client_for(french), "post", "/api/v1/spaces", {"name": "projet atlas"})
        assert response.status_code == 422
        assert "Un espace porte déjà ce nom" in response.json()["error_description"]

    def test_a_missing_name_is_422(self, as_user: Any, employee: User) -> None:
        assert send(as_user(employee), "post", "/api/v1/spaces", {"visibility": "public"}).status_code == 422

    def test_an_empty_parent_id_is_a_missing_space_not_a_top_level_space(self, as_user: Any, owner: User) -> None:
        response = send(as_user(owner), "post", "/api/v1/spaces", {"name": "Équipe", "parent_id": ""})
        assert response.status_code == 404
        assert not Space.objects.filter(name="Équipe").exists()

    def test_guests_cannot_create_spaces(self, as_user: Any, guest: User) -> None:
        assert send(as_user(guest), "post", "/api/v1/spaces", {"name": "Invités"}).status_code == 403

    def test_update_changes_only_the_fields_sent(self, as_user: Any, space_admin: User, space: Space) -> None:
        response = send(
            as_user(space_admin),
            "patch",
            f"/api/v1/spaces/{space.pk}",
            {"description": "Nouvelle description", "include_subspace_posts": True},
        )
        assert response.status_code == 200
        space.refresh_from_db()
        assert (space.name, space.description, space.include_subspace_posts) == (
            "Projet Atlas",
            "Nouvelle description",
            True,
        )

    def test_a_bad_visibility_is_422_and_a_member_gets_403(
        self, as_user: Any, space_admin: User, space_member: User, space: Space
    ) -> None:
        url = f"/api/v1/spaces/{space.pk}"
        assert send(as_user(space_admin), "patch", url, {"visibility": "everyone"}).status_code == 422
        assert send(as_user(space_member), "patch", url, {"name": "Pirate"}).status_code == 403

    def test_archive_unarchive_and_delete(self, as_user: Any, owner: User, space_admin: User, space: Space) -> None:
        client = as_user(space_admin)
        assert client.post(f"/api/v1/spaces/{space.pk}/archive").json()["archived"] is True
        assert client.post(f"/api/v1/spaces/{space.pk}/unarchive").json()["archived"] is False
        assert client.delete(f"/api/v1/spaces/{space.pk}").status_code == 403
        assert as_user(owner).delete(f"/api/v1/spaces/{space.pk}").status_code == 204
        assert not Space.objects.filter(pk=space.pk).exists()


class TestSpaceDetail:
    @pytest.mark.parametrize("space_id", ["0", "abc", "99999999999999999999", "999999"])
    def test_missing_ids_are_404_with_mastodons_error_shape(self, as_user: Any, employee: User, space_id: str) -> None:
        response = as_user(employee).get(f"/api/v1/spaces/{space_id}")
        assert response.status_code == 404
        assert set(response.json()) == {"error", "error_description"}

    def test_a_secret_space_is_404_for_outsiders_like_a_missing_one(self, as_user: Any, employee: User) -> None:
        secret = SpaceFactory(visibility=Visibility.SECRET)
        assert as_user(employee).get(f"/api/v1/spaces/{secret.pk}").status_code == 404

    def test_anonymous_gets_401(self, client: Client, space: Space) -> None:
        assert client.get(f"/api/v1/spaces/{space.pk}").status_code == 401

    def test_a_personal_token_works(self, space: Space, employee: User) -> None:
        response = token_client_for(employee).get(f"/api/v1/spaces/{space.pk}")
        assert response.status_code == 200
        assert response.json()["name"] == "Projet Atlas"


class TestMembers:
    def test_members_list_pages_and_searches(self, as_user: Any, space: Space, employee: User) -> None:
        MembershipFactory(space=space, user=employee)
        for _ in range(55):
            MembershipFactory(space=space)
        client = as_user(employee)
        first = client.get(f"/api/v1/spaces/{space.pk}/members")
        assert len(first.json()) == 50
        assert 'rel="next"' in first["Link"]
        found = client.get(f"/api/v1/spaces/{space.pk}/members", {"q": "lea"}).json()
        assert [m["account"]["id"] for m in found] == [str(employee.pk)]

    def test_join_and_leave_a_public_space(self, as_user: Any, space: Space, employee: User) -> None:
        client = as_user(employee)
        joined = client.post(f"/api/v1/spaces/{space.pk}/join")
        assert joined.status_code == 200
        assert joined.json()["role"] == "member"
        assert client.post(f"/api/v1/spaces/{space.pk}/join").status_code == 403  # already a member
        assert client.post(f"/api/v1/spaces/{space.pk}/leave").status_code == 204
        assert not Membership.objects.filter(space=space, user=employee).exists()

    def test_the_last_owner_cannot_leave(self, as_user: Any, space: Space, owner: User) -> None:
        response = as_user(owner).post(f"/api/v1/spaces/{space.pk}/leave")
        assert response.status_code == 422
        assert "last owner" in response.json()["error"]

    def test_change_a_role_and_remove_a_member(self, as_user: Any, space: Space, space_admin: User) -> None:
        target = MembershipFactory(space=space)
        client = as_user(space_admin)
        url = f"/api/v1/spaces/{space.pk}/members/{target.pk}"
        assert send(client, "patch", url, {"role": "moderator"}).json()["role"] == "moderator"
        assert send(client, "patch", url, {"role": "owner"}).status_code == 422  # owners only
        assert send(client, "patch", url, {"role": "king"}).status_code == 422
        assert client.delete(url).status_code == 204
        assert client.delete(url).status_code == 404

    def test_a_member_cannot_change_roles(self, as_user: Any, space: Space, space_member: User) -> None:
        target = MembershipFactory(space=space)
        url = f"/api/v1/spaces/{space.pk}/members/{target.pk}"
        assert send(as_user(space_member), "patch", url, {"role": "admin"}).status_code == 403


class TestJoinRequests:
    def test_ask_then_an_administrator_approves(self, as_user: Any, employee: User) -> None:
        private = SpaceFactory(visibility=Visibility.PRIVATE)
        admin = member(private, Role.ADMIN).user
        created = send(as_user(employee), "post", f"/api/v1/spaces/{private.pk}/join_requests", {"message": "Svp"})
        assert created.status_code == 200
        assert created.json()["status"] == "pending"
        again = send(as_user(employee), "post", f"/api/v1/spaces/{private.pk}/join_requests", {})
        assert again.status_code == 422
        assert as_user(employee).get(f"/api/v1/spaces/{private.pk}/join_requests").status_code == 403
        listed = as_user(admin).get(f"/api/v1/spaces/{private.pk}/join_requests").json()
        assert [r["message"] for r in listed] == ["Svp"]
        url = f"/api/v1/spaces/{private.pk}/join_requests/{listed[0]['id']}/approve"
        approved = send(as_user(admin), "post", url, {"response": "Bienvenue"})
        assert approved.json()["status"] == "approved"
        assert Membership.objects.filter(space=private, user=employee).exists()

    def test_refuse(self, as_user: Any, employee: User) -> None:
        private = SpaceFactory(visibility=Visibility.PRIVATE)
        admin = member(private, Role.ADMIN).user
        join_request = JoinRequest.objects.create(space=private, user=employee)
        url = f"/api/v1/spaces/{private.pk}/join_requests/{join_request.pk}/refuse"
        assert send(as_user(admin), "post", url, {}).json()["status"] == "refused"
        assert not Membership.objects.filter(space=private, user=employee).exists()

    def test_a_public_space_takes_no_request(self, as_user: Any, employee: User, space: Space) -> None:
        assert send(as_user(employee), "post", f"/api/v1/spaces/{space.pk}/join_requests", {}).status_code == 403


class TestInvitations:
    def test_invite_a_colleague_who_accepts(
        self, as_user: Any, space: Space, space_admin: User, colleague: User
    ) -> None:
        secret = SpaceFactory(visibility=Visibility.SECRET, name="Comité")
        admin = member(secret, Role.ADMIN).user
        url = f"/api/v1/spaces/{secret.pk}/invitations"
        created = send(as_user(admin), "post", url, {"account_id": str(colleague.pk), "role": "moderator"})
        assert created.status_code == 200
        assert created.json()["account"]["id"] == str(colleague.pk)
        assert [i["id"] for i in as_user(admin).get(url).json()] == [created.json()["id"]]
        mine = as_user(colleague).get("/api/v1/spaces/invitations").json()
        assert [i["space"]["name"] for i in mine] == ["Comité"]  # a secret space's name, for its invitee
        accepted = as_user(colleague).post(f"/api/v1/spaces/invitations/{mine[0]['id']}/accept")
        assert accepted.json()["role"] == "moderator"
        assert as_user(colleague).get(f"/api/v1/spaces/{secret.pk}").status_code == 200

    def test_decline_and_someone_elses_invitation_is_404(
        self, as_user: Any, space: Space, space_admin: User, colleague: User, employee: User
    ) -> None:
        invitation = SpaceInvitation.objects.create(space=space, user=colleague, invited_by=space_admin)
        assert as_user(employee).post(f"/api/v1/spaces/invitations/{invitation.pk}/decline").status_code == 404
        declined = as_user(colleague).post(f"/api/v1/spaces/invitations/{invitation.pk}/decline")
        assert declined.json()["status"] == "declined"

    def test_bad_invitations_are_422_and_members_cannot_invite(
        self, as_user: Any, space: Space, space_admin: User, space_member: User
    ) -> None:
        url = f"/api/v1/spaces/{space.pk}/invitations"
        assert send(as_user(space_admin), "post", url, {"account_id": "999999"}).status_code == 422
        assert send(as_user(space_admin), "post", url, {}).status_code == 422
        already = send(as_user(space_admin), "post", url, {"account_id": str(space_member.pk)})
        assert already.status_code == 422
        assert "already a member" in already.json()["error"]
        assert send(as_user(space_member), "post", url, {"email": "x@partner.example"}).status_code == 403

    def test_an_empty_account_id_is_refused_rather_than_ignored(
        self, as_user: Any, space: Space, space_admin: User, colleague: User
    ) -> None:
        url = f"/api/v1/spaces/{space.pk}/invitations"
        response = send(as_user(space_admin), "post", url, {"account_id": "", "email": colleague.email})
        assert response.status_code == 422
        assert "Nobody has this account id" in response.json()["error"]
        assert not SpaceInvitation.objects.exists()


class TestSpaceStatuses:
    def test_the_space_posts_as_mastodon_statuses_with_pages_and_links(
        self, as_user: Any, space: Space, space_member: User, employee: User, django_assert_max_num_queries: Any
    ) -> None:
        posts = [stream_services.post_create(actor=space_member, body=f"Note {n}", space=space) for n in range(25)]
        stream_services.post_create(actor=space_member, body="Ailleurs")
        client = as_user(employee)
        with django_assert_max_num_queries(12):
            first = client.get(f"/api/v1/spaces/{space.pk}/statuses")
        data = first.json()
        assert [s["content"] for s in data[:1]] == [posts[-1].body_html]
        assert len(data) == 20
        assert data[0]["account"]["id"] == str(space_member.pk)
        assert f"max_id={data[-1]['id']}" in first["Link"]
        assert f"min_id={data[0]['id']}" in first["Link"]
        older = client.get(f"/api/v1/spaces/{space.pk}/statuses", {"max_id": data[-1]["id"]}).json()
        assert [s["id"] for s in older] == [str(p.pk) for p in reversed(posts[:5])]
        assert client.get(f"/api/v1/spaces/{space.pk}/statuses", {"max_id": "x"}).status_code == 400

    def test_a_private_space_is_403_for_outsiders_and_a_secret_one_404(self, as_user: Any, employee: User) -> None:
        private = SpaceFactory(visibility=Visibility.PRIVATE)
        secret = SpaceFactory(visibility=Visibility.SECRET)
        client = as_user(employee)
        assert client.get(f"/api/v1/spaces/{private.pk}/statuses").status_code == 403
        assert client.get(f"/api/v1/spaces/{secret.pk}/statuses").status_code == 404

    def test_sub_spaces_posts_come_when_the_space_shows_them(
        self, as_user: Any, space: Space, space_member: User, employee: User
    ) -> None:
        child = SpaceFactory(parent=space)
        stream_services.post_create(actor=member(child).user, body="Enfant", space=child)
        url = f"/api/v1/spaces/{space.pk}/statuses"
        assert as_user(employee).get(url).json() == []
        Space.objects.filter(pk=space.pk).update(include_subspace_posts=True)
        assert len(as_user(employee).get(url).json()) == 1

    def test_moderators_pin_and_unpin_and_pinned_lists_them(
        self, as_user: Any, space: Space, space_member: User
    ) -> None:
        post = stream_services.post_create(actor=space_member, body="À épingler", space=space)
        moderator = member(space, Role.MODERATOR).user
        url = f"/api/v1/spaces/{space.pk}/statuses"
        assert as_user(space_member).post(f"{url}/{post.pk}/pin").status_code == 403
        assert as_user(moderator).post(f"{url}/{post.pk}/pin").status_code == 200
        assert [s["id"] for s in as_user(space_member).get(url, {"pinned": "true"}).json()] == [str(post.pk)]
        assert as_user(space_member).get(url).json() == []  # pinned posts are left out of the stream
        assert as_user(moderator).post(f"{url}/{post.pk}/unpin").status_code == 200
        assert not SpacePin.objects.exists()


# --- permission sweep ---------------------------------------------------------------------

SWEEP_ROLES = ["outsider", "guest_member", "reader", "member", "moderator", "admin", "owner", "network_admin"]
SWEEP = [
    # (method, path suffix, body, action the policy must allow)
    ("get", "", None, Action.VIEW),
    ("get", "/statuses", None, Action.READ_POSTS),
    ("get", "/members", None, Action.VIEW_MEMBERS),
    ("get", "/join_requests", None, Action.APPROVE_MEMBERS),
    ("get", "/invitations", None, Action.INVITE_MEMBERS),
    ("patch", "", {}, Action.EDIT_SETTINGS),
    ("post", "/archive", None, Action.ARCHIVE),
]


def _actor(space: Space, role: str) -> User:
    if role == "outsider":
        return UserFactory()
    if role == "guest_member":
        return MembershipFactory(space=space, user=GuestFactory(), role=Role.MEMBER).user
    if role == "network_admin":
        return AdminFactory()
    return member(space, role).user


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.PRIVATE, Visibility.SECRET])
@pytest.mark.parametrize("role", SWEEP_ROLES)
def test_permission_sweep(client: Client, db: None, role: str, visibility: str) -> None:
    space = SpaceFactory(visibility=visibility)
    MembershipFactory(space=space, role=Role.OWNER)
    actor = _actor(space, role)
    client.force_login(actor)
    for method, suffix, body, action in SWEEP:
        expected = (
            404 if not access.can(actor, Action.VIEW, space) else 200 if access.can(actor, action, space) else 403
        )
        url = f"/api/v1/spaces/{space.pk}{suffix}"
        response = send(client, method, url, body) if body is not None else getattr(client, method)(url)
        assert response.status_code == expected, (role, visibility, method, suffix, response.content)
    # the sweep must reach every answer somewhere: these cells are fixed by the policy's own table
    if (role, visibility) == ("outsider", Visibility.SECRET):
        assert client.get(f"/api/v1/spaces/{space.pk}").status_code == 404
    if (role, visibility) == ("member", Visibility.PUBLIC):
        assert client.post(f"/api/v1/spaces/{space.pk}/archive").status_code == 403
