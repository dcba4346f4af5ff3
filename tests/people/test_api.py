"""Mastodon's accounts resources and Essaim's directory over the API."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from essaim.accounts.models import User
from essaim.network.selectors import network_settings
from essaim.people import services
from essaim.people.models import Department, Follow
from essaim.people.schemas import account_data
from tests.accounts.factories import UserFactory
from tests.api.conftest import TokenClient, token_client_for


@pytest.fixture
def api_client(employee: User) -> TokenClient:
    """Acts as ``employee`` through a personal token."""
    return token_client_for(employee)


class TestVerifyCredentials:
    def test_answers_the_signed_in_person_as_a_mastodon_account(self, api_client: TokenClient, employee: User) -> None:
        data = api_client.get("/api/v1/accounts/verify_credentials").json()
        assert data["id"] == str(employee.pk)
        assert data["username"] == data["acct"] == "lea.martin"
        assert data["display_name"] == "Léa Martin"
        assert data["avatar"].startswith("http://testserver/static/")
        assert data["source"]["privacy"] == "public"
        assert {"followers_count", "following_count", "statuses_count", "created_at", "url"} <= set(data)

    def test_anonymous_gets_401(self, client: Client, db: None) -> None:
        assert client.get("/api/v1/accounts/verify_credentials").status_code == 401


class TestAccountDetail:
    def test_counts_followers_and_following(self, api_client: TokenClient, employee: User, colleague: User) -> None:
        services.follow_create(actor=colleague, user=employee)
        data = api_client.get(f"/api/v1/accounts/{employee.pk}").json()
        assert (data["followers_count"], data["following_count"]) == (1, 0)

    @pytest.mark.parametrize("account_id", ["999999", "abc", "-1"])
    def test_missing_or_malformed_ids_are_404(self, api_client: TokenClient, account_id: str) -> None:
        assert api_client.get(f"/api/v1/accounts/{account_id}").status_code == 404

    def test_a_guest_gets_404_for_an_employee_they_cannot_see(self, guest: User, employee: User) -> None:
        assert token_client_for(guest).get(f"/api/v1/accounts/{employee.pk}").status_code == 404


class TestLookupAndSearch:
    @pytest.mark.parametrize("acct", ["eloise.dupre", "@eloise.dupre", "eloise.dupre@essaim.example"])
    def test_lookup_by_handle(self, api_client: TokenClient, colleague: User, acct: str) -> None:
        response = api_client.get("/api/v1/accounts/lookup", {"acct": acct})
        assert response.status_code == 200
        assert response.json()["id"] == str(colleague.pk)

    def test_lookup_of_an_unknown_handle_is_404(self, api_client: TokenClient) -> None:
        assert api_client.get("/api/v1/accounts/lookup", {"acct": "nobody"}).status_code == 404

    def test_search_ignores_accents(self, api_client: TokenClient, colleague: User) -> None:
        data = api_client.get("/api/v1/accounts/search", {"q": "eloi"}).json()
        assert [a["id"] for a in data] == [str(colleague.pk)]

    def test_search_needs_a_query(self, api_client: TokenClient) -> None:
        assert api_client.get("/api/v1/accounts/search", {"q": ""}).status_code == 422


class TestFollow:
    def test_follow_then_unfollow_answers_relationships(
        self, api_client: TokenClient, employee: User, colleague: User
    ) -> None:
        followed = api_client.post(f"/api/v1/accounts/{colleague.pk}/follow")
        assert followed.status_code == 200
        assert followed.json()["following"] is True
        assert Follow.objects.filter(follower=employee, followed=colleague).exists()
        unfollowed = api_client.post(f"/api/v1/accounts/{colleague.pk}/unfollow")
        assert unfollowed.json()["following"] is False
        assert not Follow.objects.filter(follower=employee, followed=colleague).exists()

    def test_following_oneself_is_forbidden(self, api_client: TokenClient, employee: User) -> None:
        response = api_client.post(f"/api/v1/accounts/{employee.pk}/follow")
        assert response.status_code == 403
        assert "error" in response.json()

    def test_relationships_tell_both_directions(self, api_client: TokenClient, employee: User, colleague: User) -> None:
        services.follow_create(actor=colleague, user=employee)
        data = api_client.get("/api/v1/accounts/relationships", {"id[]": [str(colleague.pk)]}).json()
        assert len(data) == 1
        assert (data[0]["following"], data[0]["followed_by"]) == (False, True)


class TestFollowLists:
    def test_followers_with_counts_in_constant_queries(
        self, api_client: TokenClient, employee: User, django_assert_max_num_queries: object
    ) -> None:
        for _ in range(5):
            services.follow_create(actor=UserFactory(), user=employee)
        network_settings()  # a running network's settings: made once, then read from the cache on every request
        with django_assert_max_num_queries(8):  # type: ignore[operator]
            response = api_client.get(f"/api/v1/accounts/{employee.pk}/followers")
        assert response.status_code == 200
        assert len(response.json()) == 5

    def test_followers_paginate_with_a_link_header(self, api_client: TokenClient, employee: User) -> None:
        for _ in range(31):
            services.follow_create(actor=UserFactory(), user=employee)
        first = api_client.get(f"/api/v1/accounts/{employee.pk}/followers")
        assert len(first.json()) == 30
        assert 'rel="next"' in first["Link"]
        next_url = first["Link"].split(">")[0].lstrip("<").replace("http://testserver", "")
        assert len(api_client.get(next_url).json()) == 1

    def test_a_bad_cursor_is_400(self, api_client: TokenClient, employee: User) -> None:
        response = api_client.get(f"/api/v1/accounts/{employee.pk}/following", {"max_id": "abc"})
        assert response.status_code == 400

    def test_a_guest_may_not_list_follows(self, guest: User) -> None:
        assert token_client_for(guest).get(f"/api/v1/accounts/{guest.pk}/followers").status_code == 403


class TestDirectory:
    def test_filters_by_department_and_paginates_by_cursor(self, api_client: TokenClient, employee: User) -> None:
        sales = Department.objects.create(name="Ventes")
        for index in range(26):
            person = UserFactory(last_name=f"Zed{index:02d}")
            person.profile.department = sales
            person.profile.save()
        first = api_client.get("/api/v1/essaim/people", {"department": sales.pk}).json()
        assert len(first["items"]) == 24
        assert first["next_cursor"]
        second = api_client.get(
            "/api/v1/essaim/people", {"department": sales.pk, "cursor": first["next_cursor"]}
        ).json()
        assert len(second["items"]) == 2
        assert second["next_cursor"] is None
        assert all(item["essaim"]["department"] == "Ventes" for item in second["items"])

    def test_a_bad_cursor_is_400(self, api_client: TokenClient) -> None:
        response = api_client.get("/api/v1/essaim/people", {"cursor": "garbage"})
        assert response.status_code == 400
        assert response.json()["error"] == "Invalid cursor"

    @pytest.mark.parametrize("field", ["department", "site"])
    @pytest.mark.parametrize("value", ["-5", "0", "9223372036854775808", "-572271906430047289344"])
    def test_an_id_out_of_range_is_422_not_a_server_error(
        self, api_client: TokenClient, field: str, value: str
    ) -> None:
        response = api_client.get("/api/v1/essaim/people", {field: value})
        assert response.status_code == 422
        assert field in response.json()["error"]

    def test_guests_may_not_browse_the_directory(self, guest: User) -> None:
        assert token_client_for(guest).get("/api/v1/essaim/people").status_code == 403


@pytest.mark.parametrize(("kind", "bot"), [("employee", False), ("guest", False), ("feed", True), ("bot", True)])
def test_an_account_is_a_bot_when_no_person_writes_for_it(kind: str, bot: bool) -> None:
    """A feed's identity and an incoming webhook's integration are automated: apps show them as bots."""
    account = account_data(RequestFactory().get("/"), User(handle="source", kind=kind))
    assert account["bot"] is bot
