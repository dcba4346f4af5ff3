"""The bell on every page, its panel, the notifications page, opening one and marking read."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.models import User
from essaim.notifications.models import Notification
from essaim.stream import services as stream_services
from tests.accounts.factories import UserFactory

Kind = Notification.Kind


@pytest.fixture
def signed_in(client: Client, employee: User) -> Client:
    client.force_login(employee)
    return client


def _notify(recipient: User, kind: str = Kind.FOLLOW, **fields: object) -> Notification:
    return Notification.objects.create(
        recipient=recipient, kind=kind, actor=fields.pop("actor", None) or UserFactory(), **fields
    )


def _bell(html: str) -> str:
    return re.search(r'<details class="bell".*?</summary>', html, flags=re.DOTALL).group(0)  # type: ignore[union-attr]


class TestTheBell:
    def test_counts_unread_on_every_page(self, signed_in: Client, employee: User) -> None:
        assert 'class="count bell__count"' not in _bell(signed_in.get("/").text)
        for _ in range(3):
            _notify(employee)
        _notify(employee, read_at=timezone.now())
        bell = _bell(signed_in.get("/").text)
        assert '<span class="count bell__count" aria-hidden="true">3</span>' in bell
        assert "Notifications (3 unread)" in bell

    def test_says_99_plus_beyond(self, signed_in: Client, employee: User) -> None:
        Notification.objects.bulk_create([Notification(recipient=employee, kind=Kind.FOLLOW) for _ in range(120)])
        assert ">99+</span>" in _bell(signed_in.get("/").text)

    def test_the_panel_shows_the_latest_and_leads_to_all(self, signed_in: Client, employee: User) -> None:
        lea = UserFactory(first_name="Léa", last_name="Roux")
        _notify(employee, actor=lea)
        html = signed_in.get(reverse("notifications:menu")).text
        assert "Léa Roux now follows you" in html
        assert reverse("notifications:list") in html

    def test_in_french(self, client: Client, db: None) -> None:
        person = UserFactory(language="fr")
        client.force_login(person)
        _notify(person, actor=UserFactory(first_name="Léa", last_name="Roux"))
        html = client.get(reverse("notifications:menu"), headers={"accept-language": "fr"}).text
        assert "Léa Roux vous suit" in html
        assert "Voir toutes les notifications" in html


class TestThePage:
    def test_lists_what_happened_newest_first_and_unread_apart(
        self, signed_in: Client, employee: User, colleague: User
    ) -> None:
        post = stream_services.post_create(actor=employee, body="Réunion jeudi à 10 h")
        old = _notify(employee, Kind.COMMENT, actor=colleague, post=post, read_at=timezone.now())
        new = _notify(employee, Kind.REACTION, actor=colleague, post=post, others=4)
        html = signed_in.get(reverse("notifications:list")).text
        assert html.index(f"/notifications/{new.pk}/") < html.index(f"/notifications/{old.pk}/")
        assert "Éloïse Dupré and 4 other people reacted to your post" in html
        assert "Réunion jeudi à 10 h" in html
        unread = signed_in.get(reverse("notifications:list") + "?unread=1").text
        assert f"/notifications/{new.pk}/" in unread
        assert f"/notifications/{old.pk}/" not in unread

    def test_pages_by_cursor(self, signed_in: Client, employee: User) -> None:
        made = [_notify(employee) for _ in range(25)]
        first = signed_in.get(reverse("notifications:list")).text
        assert f"/notifications/{made[-1].pk}/" in first
        assert f"/notifications/{made[0].pk}/" not in first
        more = re.search(r'href="\?max_id=(\d+)"', first).group(1)  # type: ignore[union-attr]
        second = signed_in.get(reverse("notifications:list") + f"?max_id={more}", headers={"hx-request": "true"}).text
        assert f"/notifications/{made[0].pk}/" in second
        assert "<html" not in second

    def test_a_bad_cursor_is_a_clear_400(self, signed_in: Client) -> None:
        response = signed_in.get(reverse("notifications:list") + "?max_id=abc")
        assert response.status_code == 400

    def test_an_empty_list_says_what_will_come(self, signed_in: Client) -> None:
        assert "When colleagues mention you" in signed_in.get(reverse("notifications:list")).text
        assert "nothing unread" in signed_in.get(reverse("notifications:list") + "?unread=1").text


class TestReading:
    def test_opening_one_marks_it_read_and_goes_to_what_it_is_about(
        self, signed_in: Client, employee: User, colleague: User
    ) -> None:
        post = stream_services.post_create(actor=employee, body="Réunion")
        comment = stream_services.comment_create(actor=colleague, post=post, body="J'y serai")
        notification = _notify(employee, Kind.COMMENT, actor=colleague, post=post, comment=comment)
        response = signed_in.get(reverse("notifications:open", kwargs={"notification_id": notification.pk}))
        assert response.status_code == 302
        assert response.url == f"/posts/{post.pk}/#comment-{comment.pk}"
        notification.refresh_from_db()
        assert notification.read_at is not None

    def test_mark_one_then_all_read(self, signed_in: Client, employee: User) -> None:
        first, second, third = (_notify(employee) for _ in range(3))
        response = signed_in.post(reverse("notifications:read", kwargs={"notification_id": first.pk}), {"unread": "1"})
        assert response.url == reverse("notifications:list") + "?unread=1"
        assert list(Notification.objects.filter(read_at=None).order_by("id")) == [second, third]
        signed_in.post(reverse("notifications:read-all"))
        assert not Notification.objects.filter(read_at=None).exists()

    def test_a_follow_leads_to_the_follower(self, signed_in: Client, employee: User, colleague: User) -> None:
        notification = _notify(employee, Kind.FOLLOW, actor=colleague)
        response = signed_in.get(reverse("notifications:open", kwargs={"notification_id": notification.pk}))
        assert response.url == reverse("people:profile", kwargs={"handle": colleague.handle})
