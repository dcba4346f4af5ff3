"""Mastodon's reading markers: where a person stopped reading their home feed and notifications, kept per
person, counted in versions, read back by any of their apps (``/api/v1/markers``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from essaim.accounts.models import User
from essaim.notifications import selectors, services
from essaim.notifications.models import Marker
from tests.accounts.factories import GuestFactory, UserFactory
from tests.api.conftest import TokenClient, token_client_for


@pytest.fixture
def api_client(employee: User) -> TokenClient:
    return token_client_for(employee)


class TestServices:
    def test_a_save_moves_the_marker_and_counts_a_version(self, employee: User) -> None:
        first = services.marker_save(actor=employee, timeline="home", last_read_id=10)
        again = services.marker_save(actor=employee, timeline="home", last_read_id=25)
        assert (first.pk, again.last_read_id, again.version) == (again.pk, 25, 2)
        assert selectors.markers_for(actor=employee, timelines=["home", "notifications"]) == {"home": again}

    def test_markers_are_each_persons_own(self, employee: User, colleague: User) -> None:
        services.marker_save(actor=employee, timeline="notifications", last_read_id=7)
        assert selectors.markers_for(actor=colleague, timelines=["notifications"]) == {}

    def test_an_unknown_timeline_is_refused_with_the_ones_kept(self, employee: User) -> None:
        with pytest.raises(ValidationError, match="home, notifications"):
            services.marker_save(actor=employee, timeline="public", last_read_id=1)

    def test_signed_out_or_deactivated_people_keep_none(self, db: None) -> None:
        from django.contrib.auth.models import AnonymousUser

        for nobody in (AnonymousUser(), UserFactory(is_active=False)):
            with pytest.raises(PermissionDenied):
                services.marker_save(actor=nobody, timeline="home", last_read_id=1)


class TestApi:
    def test_an_app_saves_both_as_json_and_reads_them_back(self, api_client: TokenClient) -> None:
        body = {"home": {"last_read_id": "388000000000000001"}, "notifications": {"last_read_id": "42"}}
        saved = api_client.post("/api/v1/markers", body, content_type="application/json")
        assert saved.status_code == 200
        assert saved.json()["home"]["last_read_id"] == "388000000000000001"
        assert saved.json()["notifications"]["version"] == 1
        read = api_client.get("/api/v1/markers?timeline[]=home&timeline[]=notifications").json()
        assert set(read) == {"home", "notifications"}
        assert read["notifications"]["last_read_id"] == "42"
        assert api_client.get("/api/v1/markers?timeline[]=home").json().keys() == {"home"}

    def test_mastodon_py_sends_a_form(self, api_client: TokenClient) -> None:
        response = api_client.post("/api/v1/markers", {"notifications[last_read_id]": "99"})
        assert response.status_code == 200
        assert response.json() == {"notifications": {**response.json()["notifications"], "last_read_id": "99"}}
        again = api_client.post("/api/v1/markers", {"notifications[last_read_id]": "120"})
        assert again.json()["notifications"]["version"] == 2

    def test_nothing_marked_yet_answers_an_empty_object(self, api_client: TokenClient) -> None:
        assert api_client.get("/api/v1/markers").json() == {}

    def test_a_marker_sent_as_null_is_refused(self, api_client: TokenClient) -> None:
        body = {"home": {"last_read_id": "3"}, "notifications": None}
        assert api_client.post("/api/v1/markers", body, content_type="application/json").status_code == 422
        assert not Marker.objects.exists()  # nothing half-saved

    def test_a_save_of_nothing_says_what_to_send(self, api_client: TokenClient) -> None:
        response = api_client.post("/api/v1/markers", {})
        assert response.status_code == 422
        assert "home[last_read_id]" in str(response.json())

    @pytest.mark.parametrize("last_read_id", ["abc", "-1", "", "1" * 20])
    def test_an_id_that_is_no_id_is_refused_and_nothing_changes(
        self, api_client: TokenClient, last_read_id: str
    ) -> None:
        response = api_client.post(
            "/api/v1/markers", {"home": {"last_read_id": last_read_id}}, content_type="application/json"
        )
        assert response.status_code == 422
        assert "error" in response.json()
        assert not Marker.objects.exists()

    def test_a_guest_keeps_markers_and_a_signed_out_client_is_refused(self, db: None) -> None:
        guest = token_client_for(GuestFactory())
        assert guest.post("/api/v1/markers", {"home[last_read_id]": "5"}).status_code == 200
        assert Client().get("/api/v1/markers").status_code == 401
