"""/scim/v2/ over HTTP: the request shapes Okta and Microsoft Entra ID document, SCIM's errors, and a token's reach."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from essaim.accounts.models import User
from essaim.api import services as api_services
from essaim.audit.models import AuditAction, AuditEntry
from essaim.people.models import Department
from essaim.scim import services
from essaim.scim.models import ScimToken
from essaim.spaces.models import AutoMembershipRule, Membership
from tests.accounts.factories import PASSWORD, UserFactory
from tests.scim.conftest import ENTERPRISE, USER_SCHEMA, ScimClient, okta_user, patch_op
from tests.spaces.factories import SpaceFactory

pytestmark = pytest.mark.django_db
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


def entra_user(user_name: str = "Marc.Dubois@contoso.onmicrosoft.com") -> dict[str, Any]:
    """A user as Microsoft Entra ID's provisioning service creates one (its SCIM documentation's example)."""
    return {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "userName": user_name,
        "active": True,
        "displayName": "Marc Dubois",
        "emails": [{"primary": True, "type": "work", "value": "marc.dubois@contoso.com"}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Marc Dubois", "familyName": "Dubois", "givenName": "Marc"},
        "title": "Chef de projet",
        "preferredLanguage": "fr-FR",
        "phoneNumbers": [{"type": "work", "value": "+33 1 23 45 67 89"}],
        ENTERPRISE: {"employeeNumber": "E-1042", "department": "Ventes"},
    }


def create(scim: ScimClient, body: dict[str, Any]) -> dict[str, Any]:
    response = scim.post("Users", body)
    assert response.status_code == 201, response.json_body
    return response.json_body


class TestAuthentication:
    def test_without_a_token_the_answer_is_401_in_scims_shape(self, client: Client) -> None:
        response = client.get("/scim/v2/Users")
        assert response.status_code == 401
        assert response["Content-Type"] == "application/scim+json"
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
        assert response.json()["status"] == "401"

    @pytest.mark.parametrize("header", ["Bearer scim_wrong", "Bearer ", "Basic dXNlcjpwYXNz", "scim_x"])
    def test_a_wrong_token_is_refused(self, client: Client, header: str) -> None:
        assert client.get("/scim/v2/Users", headers={"Authorization": header}).status_code == 401

    def test_a_revoked_token_is_refused(self, scim: ScimClient, network_admin: User) -> None:
        assert scim.get("Users").status_code == 200
        services.scim_token_revoke(actor=network_admin, token=ScimToken.objects.get())
        assert scim.get("Users").status_code == 401
        assert scim.post("Users", okta_user()).status_code == 401
        assert not User.objects.filter(email="lea.martin@example.com").exists()

    def test_a_personal_api_token_of_an_administrator_is_not_a_scim_token(
        self, client: Client, network_admin: User
    ) -> None:
        _token, raw = api_services.personal_token_create(actor=network_admin, name="script")
        assert client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {raw}"}).status_code == 401

    def test_a_signed_in_administrator_without_a_token_is_refused(self, client: Client, network_admin: User) -> None:
        client.force_login(network_admin)
        assert client.get("/scim/v2/Users").status_code == 401

    def test_the_token_is_stored_hashed_and_its_use_noted(self, scim: ScimClient) -> None:
        token = ScimToken.objects.get()
        assert scim.raw not in (token.token_hash, token.prefix)
        assert token.last_used_at is None
        scim.get("Users")
        token.refresh_from_db()
        assert token.last_used_at is not None


class TestReach:
    """A token reaches the people the directory provisions: never an integration's account, a feed's, nor a
    superuser; what it may not see answers 404 exactly like what does not exist, and nothing changes."""

    @pytest.fixture
    def out_of_reach(self, db: None) -> list[User]:
        return [
            UserFactory(kind=User.Kind.BOT, email="hook@example.com"),
            UserFactory(kind=User.Kind.FEED, email="feed@feeds.invalid"),
            UserFactory(is_superuser=True, is_staff=True, email="root@example.com"),
        ]

    def test_they_are_not_listed_nor_found(self, scim: ScimClient, out_of_reach: list[User]) -> None:
        listed = {r["id"] for r in scim.get("Users").json_body["Resources"]}
        assert listed.isdisjoint({str(u.pk) for u in out_of_reach})
        assert scim.get('Users?filter=userName eq "root@example.com"').json_body["totalResults"] == 0
        for user in out_of_reach:
            assert scim.get(f"Users/{user.pk}").status_code == 404
        assert scim.get("Users/999999").status_code == 404

    def test_they_cannot_be_changed_nor_deactivated(self, scim: ScimClient, out_of_reach: list[User]) -> None:
        for user in out_of_reach:
            assert (
                scim.patch(f"Users/{user.pk}", patch_op({"op": "replace", "value": {"active": False}})).status_code
                == 404
            )
            assert scim.put(f"Users/{user.pk}", okta_user(user.email)).status_code == 404
            assert scim.delete(f"Users/{user.pk}").status_code == 404
            user.refresh_from_db()
            assert user.is_active or user.kind == User.Kind.FEED
            assert user.credentials_revoked_at is None

    def test_they_cannot_be_named_a_manager_nor_a_member(self, scim: ScimClient, out_of_reach: list[User]) -> None:
        root = out_of_reach[2]
        body = okta_user(**{ENTERPRISE: {"manager": {"value": str(root.pk)}}})
        assert scim.post("Users", body).status_code == 400
        group = {"schemas": [GROUP_SCHEMA], "displayName": "Direction", "members": [{"value": str(root.pk)}]}
        response = scim.post("Groups", group)
        assert response.status_code == 400
        assert not Department.objects.filter(name="Direction").exists()

    def test_another_path_under_scim_answers_404_after_the_token(self, scim: ScimClient, client: Client) -> None:
        assert scim.get("Whatever").status_code == 404
        assert client.get("/scim/v2/Whatever").status_code == 401


class TestOkta:
    """Okta's SCIM 2.0 requests (developer.okta.com, "Build a SCIM provisioning integration")."""

    def test_okta_looks_a_person_up_then_creates_them(self, scim: ScimClient) -> None:
        found = scim.get('Users?filter=userName%20eq%20"lea.martin@example.com"&startIndex=1&count=100')
        assert found.status_code == 200
        assert found.json_body == {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": 0,
            "startIndex": 1,
            "itemsPerPage": 0,
            "Resources": [],
        }
        created = create(scim, okta_user())
        assert created["userName"] == "lea.martin@example.com"
        assert created["name"] == {"givenName": "Léa", "familyName": "Martin"}
        assert created["active"] is True
        assert "password" not in created
        user = User.objects.get(email="lea.martin@example.com")
        assert (user.first_name, user.last_name, user.has_usable_password()) == ("Léa", "Martin", False)
        assert user.emailaddress_set.get().verified
        assert scim.get('Users?filter=userName eq "LEA.MARTIN@example.com"').json_body["totalResults"] == 1

    def test_okta_finds_a_person_essaim_already_knew_by_their_address(self, scim: ScimClient, employee: User) -> None:
        found = scim.get(f'Users?filter=userName eq "{employee.email}"').json_body
        assert found["totalResults"] == 1
        assert found["Resources"][0]["id"] == str(employee.pk)
        body = okta_user(employee.email, name={"givenName": employee.first_name, "familyName": "Nouveau"})
        assert scim.put(f"Users/{employee.pk}", body).status_code == 200
        employee.refresh_from_db()
        assert employee.last_name == "Nouveau"
        assert employee.scim_identity.external_id == "00u1abcd2EFGH3ijk4l5"

    def test_okta_deactivates_with_a_patch_without_path(self, scim: ScimClient, client: Client) -> None:
        created = create(scim, okta_user())
        user = User.objects.get(pk=created["id"])
        user.set_password(PASSWORD)
        user.save()
        person = Client()
        person.force_login(user)
        assert person.session.get(SESSION_KEY) == str(user.pk)
        _token, raw = api_services.personal_token_create(actor=user, name="script")
        body = patch_op({"op": "replace", "value": {"active": False}})
        response = scim.patch(f"Users/{user.pk}", body)
        assert response.status_code == 200
        assert response.json_body["active"] is False
        user.refresh_from_db()
        assert not user.is_active
        assert user.credentials_revoked_at is not None
        assert user.personal_tokens.get().revoked_at is not None
        assert person.get("/").status_code == 302  # the session ended: sent to sign in
        assert (
            client.get("/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {raw}"}).status_code
            == 401
        )
        entry = AuditEntry.objects.filter(action=AuditAction.USER_DEACTIVATED).get()
        assert entry.actor_id is None
        assert entry.actor_name.startswith("SCIM: Okta (scim_")
        assert entry.target_id == str(user.pk)

    def test_okta_reactivates(self, scim: ScimClient) -> None:
        created = create(scim, okta_user(active=False))
        assert created["active"] is False
        response = scim.patch(f"Users/{created['id']}", patch_op({"op": "replace", "value": {"active": True}}))
        assert response.json_body["active"] is True
        assert User.objects.get(pk=created["id"]).is_active

    def test_okta_replaces_a_person_with_put(self, scim: ScimClient) -> None:
        created = create(scim, okta_user())
        body = okta_user(name={"givenName": "Léa", "familyName": "Martin-Durand"}, title="Directrice")
        body["id"] = created["id"]
        response = scim.put(f"Users/{created['id']}", body)
        assert response.status_code == 200
        assert response.json_body["name"]["familyName"] == "Martin-Durand"
        assert response.json_body["title"] == "Directrice"
        assert User.objects.get(pk=created["id"]).profile.job_title == "Directrice"

    def test_okta_groups_push_creates_a_department_and_its_spaces_follow(
        self, scim: ScimClient, network_admin: User
    ) -> None:
        lea = create(scim, okta_user())
        marc = create(scim, okta_user("marc@example.com", name={"givenName": "Marc", "familyName": "Petit"}))
        body = {
            "schemas": [GROUP_SCHEMA],
            "displayName": "Finance",
            "members": [{"value": lea["id"], "display": "Léa"}],
        }
        group = scim.post("Groups", body).json_body
        finance = Department.objects.get(name="Finance")
        assert group["id"] == str(finance.pk)
        space = SpaceFactory(name="Finance")
        AutoMembershipRule.objects.create(space=space, department=finance, created_by=network_admin)
        add_marc = patch_op({"op": "add", "path": "members", "value": [{"value": marc["id"], "display": "Marc"}]})
        response = scim.patch(f"Groups/{group['id']}", add_marc)
        assert response.status_code == 200
        assert {m["value"] for m in response.json_body["members"]} == {lea["id"], marc["id"]}
        assert Membership.objects.filter(space=space, user_id=marc["id"]).exists()  # the rule applied
        remove = patch_op({"op": "remove", "path": f'members[value eq "{marc["id"]}"]'})
        assert [m["value"] for m in scim.patch(f"Groups/{group['id']}", remove).json_body["members"]] == [lea["id"]]
        assert not Membership.objects.filter(space=space, user_id=marc["id"]).exists()
        rename = patch_op({"op": "replace", "value": {"id": group["id"], "displayName": "Finances"}})
        assert scim.patch(f"Groups/{group['id']}", rename).status_code == 400  # id is read-only
        rename = patch_op({"op": "replace", "value": {"displayName": "Finances"}})
        assert scim.patch(f"Groups/{group['id']}", rename).json_body["displayName"] == "Finances"
        assert scim.delete(f"Groups/{group['id']}").status_code == 204
        assert not Department.objects.filter(pk=finance.pk).exists()
        assert User.objects.get(pk=lea["id"]).is_active  # a deleted group takes nobody's account


class TestEntra:
    """Microsoft Entra ID's provisioning requests (learn.microsoft.com, "Develop a SCIM endpoint")."""

    def test_entra_checks_with_a_filter_then_creates(self, scim: ScimClient) -> None:
        query = scim.get('Users?filter=userName eq "Marc.Dubois@contoso.onmicrosoft.com"')
        assert query.json_body["totalResults"] == 0
        created = create(scim, entra_user())
        assert created[ENTERPRISE] == {"employeeNumber": "E-1042", "department": "Ventes"}
        assert created["preferredLanguage"] == "fr-FR"
        user = User.objects.get(pk=created["id"])
        assert user.email == "marc.dubois@contoso.com"  # the primary address, not the UPN
        assert user.language == "fr"
        assert user.profile.department.name == "Ventes"
        assert user.profile.phone == "+33 1 23 45 67 89"
        assert (
            scim.get('Users?filter=externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"').json_body["totalResults"] == 1
        )

    def test_entra_patches_with_capitalised_ops_paths_and_string_booleans(self, scim: ScimClient) -> None:
        created = create(scim, entra_user())
        manager = create(scim, okta_user("boss@contoso.com", name={"givenName": "Anne", "familyName": "Chef"}))
        body = patch_op(
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "marc.d@contoso.com"},
            {"op": "Replace", "path": "name.familyName", "value": "Dubois-Leroy"},
            {"op": "Add", "path": "title", "value": "Directeur"},
            {"op": "Add", "path": f"{ENTERPRISE}:department", "value": "Marketing"},
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": manager["id"]},
            {"op": "Replace", "path": "active", "value": "False"},
        )
        response = scim.patch(f"Users/{created['id']}", body)
        assert response.status_code == 200, response.json_body
        user = User.objects.get(pk=created["id"])
        assert user.email == "marc.d@contoso.com"
        assert user.last_name == "Dubois-Leroy"
        assert user.profile.job_title == "Directeur"
        assert user.profile.department.name == "Marketing"
        assert user.profile.manager_id == int(manager["id"])
        assert not user.is_active
        assert response.json_body[ENTERPRISE]["manager"]["value"] == manager["id"]
        again = scim.patch(f"Users/{created['id']}", patch_op({"op": "Replace", "path": "active", "value": "True"}))
        assert again.json_body["active"] is True

    def test_entra_removes_the_manager_and_adds_a_phone_by_value_path(self, scim: ScimClient) -> None:
        manager = create(scim, okta_user("boss@contoso.com"))
        body = entra_user()
        body[ENTERPRISE]["manager"] = {"value": manager["id"]}
        created = create(scim, body)
        ops = patch_op(
            {"op": "Remove", "path": f"{ENTERPRISE}:manager"},
            {"op": "Add", "path": 'phoneNumbers[type eq "mobile"].value', "value": "+33 6 12 34 56 78"},
        )
        response = scim.patch(f"Users/{created['id']}", ops).json_body
        assert "manager" not in response[ENTERPRISE]
        assert {"type": "mobile", "value": "+33 6 12 34 56 78"} in response["phoneNumbers"]
        assert User.objects.get(pk=created["id"]).profile.manager_id is None

    def test_entra_adds_and_removes_group_members(self, scim: ScimClient) -> None:
        marc = create(scim, entra_user())
        group = scim.post("Groups", {"schemas": [GROUP_SCHEMA], "externalId": "g-1", "displayName": "Ventes"})
        assert group.status_code in {201, 409}  # "Ventes" exists: the user's department made it
        group_id = scim.get('Groups?filter=displayName eq "Ventes"').json_body["Resources"][0]["id"]
        add = patch_op({"op": "Add", "path": "members", "value": [{"value": marc["id"]}]})
        assert scim.patch(f"Groups/{group_id}", add).status_code == 200
        remove = patch_op({"op": "Remove", "path": "members", "value": [{"value": marc["id"]}]})
        response = scim.patch(f"Groups/{group_id}", remove)
        assert "members" not in response.json_body
        assert User.objects.get(pk=marc["id"]).profile.department is None
        members = scim.get(f'Groups?filter=members[value eq "{marc["id"]}"]').json_body
        assert members["totalResults"] == 0


class TestErrors:
    def test_a_bad_filter_is_400_invalid_filter(self, scim: ScimClient) -> None:
        for text in ["userName eq", 'password eq "x"', 'userName zz "x"', '(userName eq "x"', 'active eq "maybe"']:
            response = scim.get(f"Users?filter={text}")
            assert response.status_code == 400, text
            assert response.json_body["scimType"] == "invalidFilter"

    def test_a_taken_user_name_is_409_uniqueness(self, scim: ScimClient) -> None:
        create(scim, okta_user())
        response = scim.post("Users", okta_user("LEA.MARTIN@example.com"))
        assert response.status_code == 409
        assert response.json_body["scimType"] == "uniqueness"

    def test_a_taken_address_is_409_and_a_taken_group_name_too(self, scim: ScimClient, employee: User) -> None:
        response = scim.post("Users", okta_user("someone", emails=[{"value": employee.email, "primary": True}]))
        assert response.status_code == 409
        scim.post("Groups", {"schemas": [GROUP_SCHEMA], "displayName": "RH"})
        assert scim.post("Groups", {"schemas": [GROUP_SCHEMA], "displayName": "rh"}).status_code == 409

    def test_a_body_without_user_name_or_not_json_is_400(self, scim: ScimClient) -> None:
        assert scim.post("Users", {"schemas": [USER_SCHEMA]}).json_body["scimType"] == "invalidValue"
        response = scim.client.post(
            "/scim/v2/Users",
            data="{",
            content_type="application/scim+json",
            headers={"Authorization": f"Bearer {scim.raw}"},
        )
        assert response.status_code == 400

    def test_a_patch_with_an_unknown_op_or_no_path_to_remove_is_400(self, scim: ScimClient) -> None:
        created = create(scim, okta_user())
        assert scim.patch(f"Users/{created['id']}", patch_op({"op": "move", "path": "title"})).status_code == 400
        response = scim.patch(f"Users/{created['id']}", patch_op({"op": "remove"}))
        assert response.json_body["scimType"] == "noTarget"

    def test_if_match_with_an_old_version_is_412_and_changes_nothing(self, scim: ScimClient) -> None:
        created = create(scim, okta_user())
        old = created["meta"]["version"]
        first = scim.patch(
            f"Users/{created['id']}", patch_op({"op": "add", "path": "title", "value": "A"}), **{"If-Match": old}
        )
        assert first.status_code == 200
        assert first["ETag"] == first.json_body["meta"]["version"] != old
        stale = scim.patch(
            f"Users/{created['id']}", patch_op({"op": "add", "path": "title", "value": "B"}), **{"If-Match": old}
        )
        assert stale.status_code == 412
        assert User.objects.get(pk=created["id"]).profile.job_title == "A"
        assert scim.delete(f"Users/{created['id']}", **{"If-Match": old}).status_code == 412
        current = scim.get(f"Users/{created['id']}")
        assert current["ETag"] == first["ETag"]
        assert scim.get(f"Users/{created['id']}", **{"If-None-Match": current["ETag"]}).status_code == 304


class TestListing:
    def test_filters_on_what_directories_ask(self, scim: ScimClient) -> None:
        create(scim, entra_user())
        create(scim, okta_user())
        create(scim, okta_user("paul@example.com", name={"givenName": "Paul", "familyName": "Martin"}, active=False))

        def ids(text: str) -> set[str]:
            response = scim.get(f"Users?filter={text}")
            assert response.status_code == 200, response.json_body
            return {r["userName"] for r in response.json_body["Resources"]}

        assert ids('name.familyName eq "martin"') == {"lea.martin@example.com", "paul@example.com"}
        assert ids('name.familyName eq "Martin" and active eq true') == {"lea.martin@example.com"}
        assert ids('userName sw "lea" or userName co "dubois"') == {
            "lea.martin@example.com",
            "Marc.Dubois@contoso.onmicrosoft.com",
        }
        unsupported = scim.get('Users?filter=emails[type eq "work" and value ew "@contoso.com"]')
        assert unsupported.json_body["scimType"] == "invalidFilter"  # Essaim keeps one address: no type to filter on
        assert ids('emails[value ew "@contoso.com"]') == {"Marc.Dubois@contoso.onmicrosoft.com"}
        assert ids(f'{ENTERPRISE}:department eq "Ventes"') == {"Marc.Dubois@contoso.onmicrosoft.com"}
        assert ids("title pr") == {"Marc.Dubois@contoso.onmicrosoft.com"}
        assert ids('not (userName ew "example.com")') >= {"Marc.Dubois@contoso.onmicrosoft.com"}

    def test_pages_with_start_index_and_count(self, scim: ScimClient) -> None:
        for n in range(5):
            create(scim, okta_user(f"p{n}@pages.test"))
        first = scim.get('Users?filter=userName ew "@pages.test"&startIndex=1&count=2').json_body
        second = scim.get('Users?filter=userName ew "@pages.test"&startIndex=3&count=2').json_body
        last = scim.get('Users?filter=userName ew "@pages.test"&startIndex=5&count=2').json_body
        assert (first["totalResults"], first["itemsPerPage"], second["startIndex"]) == (5, 2, 3)
        names = [r["userName"] for page in (first, second, last) for r in page["Resources"]]
        assert names == [f"p{n}@pages.test" for n in range(5)]
        assert scim.get("Users?count=0").json_body["Resources"] == []
        assert scim.get("Users?count=x").status_code == 400

    def test_attributes_and_excluded_attributes(self, scim: ScimClient) -> None:
        created = create(scim, entra_user())
        only = scim.get(f"Users/{created['id']}?attributes=userName,name.givenName").json_body
        assert only == {
            "schemas": created["schemas"],
            "id": created["id"],
            "userName": created["userName"],
            "name": {"givenName": "Marc"},
        }
        without = scim.get(f"Users/{created['id']}?excludedAttributes=emails,{ENTERPRISE}:department").json_body
        assert "emails" not in without
        assert without[ENTERPRISE] == {"employeeNumber": "E-1042"}

    def test_a_list_costs_the_same_queries_for_3_people_or_30(
        self, scim: ScimClient, django_assert_max_num_queries: Any
    ) -> None:
        for n in range(30):
            create(scim, okta_user(f"q{n}@example.com"))
        with django_assert_max_num_queries(6):
            response = scim.get("Users?count=100")
        assert len(response.json_body["Resources"]) >= 30

    def test_post_search(self, scim: ScimClient) -> None:
        create(scim, okta_user())
        body = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": 'userName eq "lea.martin@example.com"',
            "attributes": ["userName"],
        }
        response = scim.post("Users/.search", body).json_body
        assert response["totalResults"] == 1
        assert set(response["Resources"][0]) == {"schemas", "id", "userName"}


def test_a_loop_in_the_org_chart_is_400(scim: ScimClient) -> None:
    boss = create(scim, okta_user("boss@example.com"))
    body = okta_user(**{ENTERPRISE: {"manager": {"value": boss["id"]}}})
    lea = create(scim, body)
    loop = patch_op({"op": "add", "path": f"{ENTERPRISE}:manager", "value": {"value": lea["id"]}})
    response = scim.patch(f"Users/{boss['id']}", loop)
    assert response.status_code == 400
    assert response.json_body["scimType"] == "invalidValue"
    assert User.objects.get(pk=boss["id"]).profile.manager_id is None


class TestDelete:
    def test_delete_deactivates_keeps_the_account_and_answers_404_after(self, scim: ScimClient) -> None:
        created = create(scim, okta_user())
        assert scim.delete(f"Users/{created['id']}").status_code == 204
        user = User.objects.get(pk=created["id"])
        assert not user.is_active
        assert user.credentials_revoked_at is not None
        assert scim.get(f"Users/{created['id']}").status_code == 404
        again = create(scim, okta_user())  # provisioned again: the same account comes back
        assert again["id"] == created["id"]
        assert User.objects.get(pk=created["id"]).is_active


class TestDiscovery:
    def test_service_provider_config_schemas_and_resource_types(self, scim: ScimClient) -> None:
        config = scim.get("ServiceProviderConfig").json_body
        assert config["patch"]["supported"]
        assert config["etag"]["supported"]
        assert config["filter"]["supported"]
        assert not config["bulk"]["supported"]
        schemas = {s["id"]: s for s in scim.get("Schemas").json_body["Resources"]}
        assert set(schemas) == {USER_SCHEMA, ENTERPRISE, GROUP_SCHEMA}
        assert {a["name"] for a in schemas[ENTERPRISE]["attributes"]} == {"employeeNumber", "department", "manager"}
        assert "password" not in {a["name"] for a in schemas[USER_SCHEMA]["attributes"]}
        assert scim.get(f"Schemas/{USER_SCHEMA}").json_body["id"] == USER_SCHEMA
        types = scim.get("ResourceTypes").json_body
        assert [t["id"] for t in types["Resources"]] == ["User", "Group"]
        assert scim.get("ResourceTypes/User").json_body["schemaExtensions"][0]["schema"] == ENTERPRISE
        assert scim.post("Schemas", {}).status_code == 405
