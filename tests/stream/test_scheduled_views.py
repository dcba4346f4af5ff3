"""The composer's "Send later" and the scheduled posts page (``essaim/stream/scheduled_views.py``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from essaim.accounts.models import User
from essaim.stream import scheduling
from essaim.stream.models import Attachment, Post, ScheduledPost
from tests.stream.factories import image_upload

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def parisian(employee: User) -> User:
    employee.timezone = "Europe/Paris"
    employee.save(update_fields=["timezone"])
    return employee


def local(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def schedule_post(actor: User, body: str = "Plus tard", hours: float = 2) -> ScheduledPost:
    return scheduling.scheduled_post_create(
        actor=actor, scheduled_at=timezone.now() + timedelta(hours=hours), body=body
    )


class TestComposer:
    def test_send_later_keeps_the_post_in_my_time_zone_with_its_files(self, client: Client, parisian: User) -> None:
        client.force_login(parisian)
        when = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
        response = client.post(
            "/posts/new",
            {"body": "Demain matin", "visibility": "company", "send_at": local(when), "attachments": image_upload()},
        )
        assert response.status_code == 302
        assert response.url == "/posts/scheduled/"
        scheduled = ScheduledPost.objects.get()
        assert scheduled.scheduled_at == when
        assert scheduled.attachments.count() == 1
        assert not Post.objects.exists()

    def test_too_soon_says_so_next_to_the_field_and_keeps_everything(self, client: Client, parisian: User) -> None:
        client.force_login(parisian)
        response = client.post(
            "/posts/new",
            {
                "body": "Tout de suite",
                "visibility": "company",
                "send_at": local(timezone.now() + timedelta(minutes=1)),
                "attachments": image_upload("garde.jpg"),
            },
        )
        assert response.status_code == 400
        form = response.context["form"]
        assert "5 minutes" in form.errors["send_at"][0]
        assert form["body"].value() == "Tout de suite"
        assert [item.original_name for item in form.kept_files] == ["garde.jpg"]
        assert Attachment.objects.get().scheduled_post_id is None
        assert not ScheduledPost.objects.exists()

    def test_without_a_time_it_publishes_now(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        client.post("/posts/new", {"body": "Maintenant", "visibility": "company", "send_at": ""})
        assert Post.objects.get().body == "Maintenant"


class TestPage:
    def test_lists_mine_soonest_first_with_a_failed_one_s_reason(
        self, client: Client, employee: User, colleague: User
    ) -> None:
        schedule_post(employee, "Second", hours=3)
        failed = schedule_post(employee, "Premier", hours=1)
        ScheduledPost.objects.filter(pk=failed.pk).update(state="failed", failure="You may no longer post there.")
        schedule_post(colleague, "Pas à moi")
        client.force_login(employee)
        page = client.get("/posts/scheduled/")
        assert page.status_code == 200
        html = page.content.decode()
        assert html.index("Premier") < html.index("Second")
        assert "Pas à moi" not in html
        assert "You may no longer post there." in html

    def test_an_empty_page_teaches(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        assert "Nothing is scheduled" in client.get("/posts/scheduled/").content.decode()

    def test_a_constant_number_of_queries(
        self, client: Client, employee: User, django_assert_max_num_queries: Any
    ) -> None:
        client.force_login(employee)
        schedule_post(employee)
        client.get("/posts/scheduled/")
        with django_assert_max_num_queries(20) as few:
            client.get("/posts/scheduled/")
        for n in range(5):
            schedule_post(employee, f"Encore {n}")
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get("/posts/scheduled/")

    def test_change_the_time(self, client: Client, parisian: User) -> None:
        scheduled = schedule_post(parisian)
        client.force_login(parisian)
        when = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
        response = client.post(f"/posts/scheduled/{scheduled.pk}/time", {f"s{scheduled.pk}-scheduled_at": local(when)})
        assert response.status_code == 302
        scheduled.refresh_from_db()
        assert scheduled.scheduled_at == when
        refused = client.post(
            f"/posts/scheduled/{scheduled.pk}/time",
            {f"s{scheduled.pk}-scheduled_at": local(timezone.now())},
        )
        assert refused.status_code == 400
        assert "5 minutes" in refused.content.decode()

    def test_cancel_asks_once(self, client: Client, employee: User) -> None:
        scheduled = schedule_post(employee)
        client.force_login(employee)
        assert "Cancel the scheduled post?" in client.get(f"/posts/scheduled/{scheduled.pk}/cancel").content.decode()
        assert ScheduledPost.objects.exists()
        assert client.post(f"/posts/scheduled/{scheduled.pk}/cancel").status_code == 302
        assert not ScheduledPost.objects.exists()

    def test_someone_else_s_is_missing(self, client: Client, employee: User, colleague: User) -> None:
        scheduled = schedule_post(employee)
        client.force_login(colleague)
        assert client.get(f"/posts/scheduled/{scheduled.pk}/cancel").status_code == 404
        assert client.post(f"/posts/scheduled/{scheduled.pk}/cancel").status_code == 404
        assert client.post(f"/posts/scheduled/{scheduled.pk}/time", {}).status_code == 404
        assert ScheduledPost.objects.exists()

    def test_signed_out_goes_to_sign_in(self, client: Client, db: None) -> None:
        response = client.get("/posts/scheduled/")
        assert response.status_code == 302
        assert "/accounts/login/" in response.url
