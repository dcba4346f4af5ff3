"""A person's notification settings in the API (``/api/v1/notifications/settings``): read with every default
filled in, changed field by field through the settings page's services, and refused whole (422, nothing saved)
when anything sent is wrong."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from essaim.accounts.models import User
from essaim.notifications.models import EmailPreferences, Notification, NotificationSetting, SpaceNotificationLevel
from essaim.spaces.models import Membership, Space
from tests.accounts.factories import GuestFactory
from tests.api.conftest import TokenClient, token_client_for
from tests.spaces.factories import SpaceFactory

URL = "/api/v1/notifications/settings"
Kind = Notification.Kind


def _join(user: User, space: Space) -> Space:
    Membership.objects.create(space=space, user=user, role=Membership.Role.MEMBER)
    return space


def _patch(client: Client, body: Any) -> Any:
    return client.patch(URL, body, content_type="application/json")


def _nothing_saved() -> bool:
    return not (
        NotificationSetting.objects.exists()
        or SpaceNotificationLevel.objects.exists()
        or EmailPreferences.objects.exists()
    )


@pytest.fixture
def api_client(employee: User) -> TokenClient:
    return token_client_for(employee)


@pytest.fixture
def own_space(employee: User) -> Space:
    return _join(employee, SpaceFactory(name="Atlas"))


class TestReading:
    def test_a_new_person_reads_every_default(self, api_client: TokenClient, employee: User) -> None:
        employee.timezone = "America/Montreal"
        employee.save(update_fields=["timezone"])
        space = _join(employee, SpaceFactory(name="Atlas"))
        response = api_client.get(URL)
        assert response.status_code == 200
        assert response.json() == {
            "channels": {
                "mention": "app_email",
                "comment": "app",
                "reply": "app_email",
                "reaction": "app",
                "follow": "app",
                "invitation": "app_email",
                "join_request": "app_email",
                "join_answer": "app_email",
                "announcement": "app",
                "space_post": "app",
                "report_outcome": "app",
                "moderation": "app_email",
                "event": "app_email",
                "idea_status": "app",
                "praise": "app",
                "must_read": "app",
            },
            "spaces": [{"id": str(space.pk), "name": "Atlas", "level": "mentions"}],
            "digest": "weekly",
            "quiet_hours": None,
            "time_zone": "America/Montreal",
        }

    def test_spaces_are_the_persons_own_by_name(self, api_client: TokenClient, employee: User) -> None:
        zebra = _join(employee, SpaceFactory(name="Zèbre"))
        atlas = _join(employee, SpaceFactory(name="atlas"))
        SpaceFactory(name="Ailleurs")  # not theirs
        assert [s["id"] for s in api_client.get(URL).json()["spaces"]] == [str(atlas.pk), str(zebra.pk)]

    def test_a_time_zone_nobody_knows_reads_as_the_sites_the_quiet_hours_are_kept_in(
        self, api_client: TokenClient, employee: User
    ) -> None:
        employee.timezone = "Europe/Atlantis"
        employee.save(update_fields=["timezone"])
        assert api_client.get(URL).json()["time_zone"] == "Europe/Paris"

    def test_someone_elses_choices_never_show(self, api_client: TokenClient, colleague: User) -> None:
        token_client_for(colleague).patch(
            URL, {"channels": {"follow": "nothing"}, "digest": "never"}, content_type="application/json"
        )
        settings = api_client.get(URL).json()
        assert (settings["channels"]["follow"], settings["digest"]) == ("app", "weekly")


class TestChanging:
    def test_what_is_sent_changes_and_the_rest_keeps_its_value(self, api_client: TokenClient, own_space: Space) -> None:
        first = _patch(api_client, {"channels": {"reaction": "nothing"}, "digest": "daily"})
        assert first.status_code == 200
        second = _patch(
            api_client, {"spaces": {str(own_space.pk): "all"}, "quiet_hours": {"from": "22:00", "until": "07:00"}}
        )
        assert second.status_code == 200
        settings = second.json()
        assert settings == api_client.get(URL).json()  # the answer is the settings, as read
        assert settings["channels"]["reaction"] == "nothing"
        assert settings["channels"]["mention"] == "app_email"
        assert settings["spaces"] == [{"id": str(own_space.pk), "name": "Atlas", "level": "all"}]
        assert (settings["digest"], settings["quiet_hours"]) == ("daily", {"from": "22:00", "until": "07:00"})

    def test_an_empty_change_changes_nothing(self, api_client: TokenClient) -> None:
        assert _patch(api_client, {}).status_code == 200
        assert api_client.patch(URL).status_code == 200  # no body at all
        assert _nothing_saved()

    def test_null_quiet_hours_removes_them_and_back_to_the_defaults_keeps_no_row(self, api_client: TokenClient) -> None:
        _patch(api_client, {"channels": {"follow": "nothing"}, "quiet_hours": {"from": "12:00", "until": "14:00"}})
        response = _patch(api_client, {"channels": {"follow": "app"}, "quiet_hours": None})
        assert response.json()["quiet_hours"] is None
        assert _nothing_saved()

    def test_leaving_quiet_hours_out_keeps_them(self, api_client: TokenClient) -> None:
        _patch(api_client, {"quiet_hours": {"from": "22:30", "until": "06:45"}})
        assert _patch(api_client, {"digest": "never"}).json()["quiet_hours"] == {"from": "22:30", "until": "06:45"}

    def test_fields_the_api_does_not_change_are_ignored(self, api_client: TokenClient) -> None:
        """What GET answers can be sent back whole: ``time_zone`` is read-only, and unknown fields are ignored,
        as everywhere in the API."""
        read = api_client.get(URL).json()
        changed = {**read, "spaces": {}, "digest": "daily", "time_zone": "Asia/Tokyo"}
        response = _patch(api_client, changed)
        assert response.status_code == 200
        assert response.json() == {**read, "digest": "daily"}

    def test_a_guest_chooses_like_an_employee(self, db: None) -> None:
        guest = GuestFactory()
        space = _join(guest, SpaceFactory())
        response = _patch(token_client_for(guest), {"spaces": {str(space.pk): "nothing"}})
        assert response.status_code == 200
        assert response.json()["spaces"][0]["level"] == "nothing"


class TestRefusals:
    """Anything wrong refuses the whole change with a message, and nothing is saved."""

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"channels": {"gossip": "app"}}, "This kind of notification does not exist."),
            ({"channels": {"follow": "pigeon"}}, "Choose in the app, in the app and by e-mail, or nothing."),
            ({"spaces": {"own": "loud"}}, "Choose every post, mentions only, or nothing."),
            ({"digest": "hourly"}, "Choose every day, every week or never."),
            ({"digest": ""}, "Choose every day, every week or never."),
            ({"quiet_hours": {"from": "22:00", "until": "22:00"}}, "must end at another time than they start"),
            ({"quiet_hours": {"from": "7:00", "until": "22:00"}}, "Write a time as HH:MM, from 00:00 to 23:59."),
            ({"quiet_hours": {"from": "22:00", "until": "24:00"}}, "Write a time as HH:MM, from 00:00 to 23:59."),
            ({"quiet_hours": {"from": "22:00:00", "until": "07:00"}}, "Write a time as HH:MM, from 00:00 to 23:59."),
        ],
        ids=[
            "unknown kind",
            "unknown channel",
            "unknown level",
            "unknown digest",
            "empty digest",
            "equal ends",
            "hour without two digits",
            "hour past 23",
            "seconds",
        ],
    )
    def test_a_bad_choice_is_refused_with_its_message(
        self, api_client: TokenClient, own_space: Space, change: dict[str, Any], message: str
    ) -> None:
        if "spaces" in change:
            change = {"spaces": {str(own_space.pk): "loud"}}
        response = _patch(api_client, {"channels": {"reaction": "nothing"}, "digest": "daily", **change})
        assert response.status_code == 422
        assert response.json()["error"].startswith("Validation failed:")
        assert message in response.json()["error_description"]
        assert _nothing_saved()

    @pytest.mark.parametrize("space_id", ["other", "999999999", "abc", "0", "-1", "1" * 25], ids=str)
    def test_a_space_the_person_does_not_belong_to_is_refused(
        self, api_client: TokenClient, own_space: Space, space_id: str
    ) -> None:
        if space_id == "other":
            space_id = str(SpaceFactory().pk)
        response = _patch(api_client, {"spaces": {str(own_space.pk): "all", space_id: "all"}})
        assert response.status_code == 422
        assert "You can only choose for the spaces you belong to." in response.json()["error_description"]
        assert _nothing_saved()

    @pytest.mark.parametrize(
        "change",
        [
            {"quiet_hours": {"from": "22:00"}},
            {"quiet_hours": {"until": "07:00"}},
            {"quiet_hours": {}},
            {"quiet_hours": {"from": "22:00", "until": None}},
        ],
        ids=["no end", "no start", "neither end", "a null end"],
    )
    def test_one_end_of_the_quiet_hours_is_refused_naming_the_other(
        self, api_client: TokenClient, change: dict[str, Any]
    ) -> None:
        response = _patch(api_client, {"digest": "daily", **change})
        assert response.status_code == 422
        assert "quiet_hours." in response.json()["error"]
        assert _nothing_saved()

    @pytest.mark.parametrize(
        "body",
        [
            {"channels": ["follow"]},
            {"channels": {"follow": 1}},
            {"channels": None},
            {"spaces": [{"id": "1", "level": "all"}]},
            {"digest": None},
            {"digest": 7},
            {"quiet_hours": "22:00-07:00"},
            {"quiet_hours": {"from": 2200, "until": 700}},
            ["digest", "daily"],
        ],
        ids=str,
    )
    def test_a_value_of_the_wrong_type_is_refused_naming_its_field(self, api_client: TokenClient, body: Any) -> None:
        response = _patch(api_client, {"channels": {"reaction": "nothing"}, **body} if isinstance(body, dict) else body)
        assert response.status_code == 422
        assert response.json()["error"].startswith("Validation failed:")
        assert _nothing_saved()

    def test_malformed_json_is_refused(self, api_client: TokenClient) -> None:
        response = api_client.patch(URL, '{"digest": ', content_type="application/json")
        assert response.status_code == 422
        assert _nothing_saved()

    def test_a_form_is_refused_as_not_json(self, api_client: TokenClient) -> None:
        response = api_client.patch(URL, "digest=daily", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 415
        assert response.json()["error"] == "Send the settings as JSON (Content-Type: application/json)."
        assert _nothing_saved()

    def test_the_message_is_in_the_readers_language(self, employee: User) -> None:
        employee.language = "fr"
        employee.save(update_fields=["language"])
        response = _patch(token_client_for(employee), {"channels": {"gossip": "app"}})
        assert response.status_code == 422
        assert response["Content-Language"] == "fr"
        assert "This kind of notification does not exist." not in response.json()["error_description"]


class TestWhoMay:
    def test_a_signed_out_client_is_refused(self, db: None) -> None:
        assert Client().get(URL).status_code == 401
        assert Client().patch(URL, {"digest": "never"}, content_type="application/json").status_code == 401
        assert _nothing_saved()

    def test_a_session_reads_and_writes_with_its_csrf_token_only(self, employee: User) -> None:
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(employee)
        assert browser.get(URL).status_code == 200
        assert _patch(browser, {"digest": "never"}).status_code == 403
        assert _nothing_saved()
        browser.get(reverse("api:tokens"))  # a page that sets the csrftoken cookie
        token = browser.cookies["csrftoken"].value
        response = browser.patch(
            URL, {"digest": "never"}, content_type="application/json", headers={"X-CSRFToken": token}
        )
        assert response.status_code == 200
        assert response.json()["digest"] == "never"

    def test_a_personal_token_reads_and_writes_as_its_owner(self, api_client: TokenClient, employee: User) -> None:
        assert _patch(api_client, {"digest": "never"}).status_code == 200
        assert EmailPreferences.objects.get().user_id == employee.pk


def test_the_document_states_the_models_choices(db: None) -> None:
    from essaim.api.main import api
    from essaim.notifications.models import Channel, Digest, SpaceLevel

    operations = api.get_openapi_schema()["paths"][URL]
    body = operations["patch"]["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert list(body["channels"]["properties"]) == Kind.values
    assert body["channels"]["properties"]["mention"]["enum"] == Channel.values
    assert body["spaces"]["additionalProperties"]["enum"] == SpaceLevel.values
    assert body["digest"]["enum"] == Digest.values
    assert set(map(str, operations["patch"]["responses"])) >= {"200", "401", "403", "415", "422"}
