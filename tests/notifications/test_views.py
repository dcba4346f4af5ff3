"""The bell on every page, its panel, the notifications page, opening one and marking read."""

from __future__ import annotations

import re
from datetime import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.models import User
from essaim.notifications import selectors, services
from essaim.notifications.models import Notification, NotificationSetting
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream_services
from tests.accounts.factories import UserFactory
from tests.spaces.factories import SpaceFactory

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

    def test_a_new_post_in_a_space_followed_closely_names_the_space(
        self, signed_in: Client, employee: User, colleague: User
    ) -> None:
        space = SpaceFactory(name="Projet Atlas")
        Membership.objects.create(space=space, user=colleague, role=Membership.Role.MEMBER)
        post = stream_services.post_create(actor=colleague, body="Nouvelle maquette", space=space)
        _notify(employee, Kind.SPACE_POST, actor=colleague, post=post)
        Membership.objects.create(space=space, user=employee, role=Membership.Role.MEMBER)
        html = signed_in.get(reverse("notifications:list")).text
        assert "Éloïse Dupré posted in Projet Atlas" in html
        assert "Nouvelle maquette" in html

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


class TestTheSettingsPage:
    @pytest.fixture
    def atlas(self, employee: User) -> Space:
        space = SpaceFactory(name="Projet Atlas")
        Membership.objects.create(space=space, user=employee, role=Membership.Role.MEMBER)
        return space

    def test_shows_the_current_choices_with_a_label_for_each_button(
        self, signed_in: Client, employee: User, atlas: Space
    ) -> None:
        services.notification_settings_update(
            actor=employee, channels={Kind.REACTION: "nothing"}, levels={atlas.pk: "all"}
        )
        response = signed_in.get(reverse("notifications:settings"))
        assert response.status_code == 200
        html = response.text
        checked = set(re.findall(r'<input type="radio" name="(\w+)" value="(\w+)"[^>]*\bchecked\b', html))
        assert ("channel_reaction", "nothing") in checked
        assert ("channel_mention", "app_email") in checked
        assert ("channel_follow", "app") in checked
        assert len(checked) == len(Kind.values)
        assert "<legend" in html
        for radio_id in re.findall(r'<input type="radio"[^>]*id="([^"]+)"', html):
            assert f'<label for="{radio_id}">' in html
        assert re.search(rf'<select name="level_{atlas.pk}"[^>]*>.*?<option value="all" selected>', html, re.DOTALL)
        assert "Projet Atlas" in html

    def test_in_french(self, client: Client, db: None) -> None:
        person = UserFactory(language="fr")
        client.force_login(person)
        html = client.get(reverse("notifications:settings"), headers={"accept-language": "fr"}).text
        assert "Réglages des notifications" in html
        assert "Dans l’application et par e-mail" in html
        assert "Réactions à mes publications" in html

    def test_saving_says_so_and_keeps_the_choices(self, signed_in: Client, employee: User, atlas: Space) -> None:
        data = {f"channel_{kind}": "app" for kind in Kind.values} | {"channel_follow": "nothing"}
        response = signed_in.post(reverse("notifications:settings"), data | {f"level_{atlas.pk}": "nothing"})
        assert response.status_code == 302
        page = signed_in.get(response.url).text
        assert "Your notification settings are saved." in page
        choices = selectors.notification_choices_for(actor=employee)
        assert choices.channels[Kind.FOLLOW] == "nothing"
        assert choices.channels[Kind.MENTION] == "app"
        assert choices.spaces == [(atlas, "nothing")]

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"channel_gossip": "app"}, "This kind of notification does not exist."),
            ({"channel_follow": "pigeon"}, "Select a valid choice."),
            ({"level_ATLAS": "loud"}, "Select a valid choice."),
            ({"level_OTHER": "nothing"}, "You can only choose for the spaces you belong to."),
        ],
        ids=["unknown kind", "unknown channel", "unknown level", "a space they are not in"],
    )
    def test_bad_input_is_a_clear_400_that_keeps_what_was_chosen(
        self, signed_in: Client, employee: User, atlas: Space, data: dict[str, str], message: str
    ) -> None:
        other = SpaceFactory(visibility=Space.Visibility.SECRET)
        ids = {"ATLAS": str(atlas.pk), "OTHER": str(other.pk)}
        data = {key.replace("ATLAS", ids["ATLAS"]).replace("OTHER", ids["OTHER"]): v for key, v in data.items()}
        response = signed_in.post(reverse("notifications:settings"), {"channel_reaction": "nothing", **data})
        assert response.status_code == 400
        assert message in response.text
        assert re.search(r'name="channel_reaction" value="nothing"[^>]*\bchecked\b', response.text)  # kept
        assert re.search(r'name="channel_mention" value="app_email"[^>]*\bchecked\b', response.text)  # as it was
        if f"level_{atlas.pk}" not in data:
            assert re.search(r'<option value="mentions" selected>', response.text)
        assert not NotificationSetting.objects.exists()  # and nothing saved

    def test_the_message_in_french(self, client: Client, db: None) -> None:
        person = UserFactory(language="fr")
        client.force_login(person)
        response = client.post(
            reverse("notifications:settings"), {"channel_gossip": "app"}, headers={"accept-language": "fr"}
        )
        assert response.status_code == 400
        assert "Ce type de notification n’existe pas." in response.text

    def test_reachable_from_the_account_settings_and_the_notifications_page(self, signed_in: Client) -> None:
        url = reverse("notifications:settings")
        assert f'href="{url}"' in signed_in.get(reverse("accounts:settings")).text
        assert f'href="{url}"' in signed_in.get(reverse("notifications:list")).text

    def test_anonymous_is_sent_to_sign_in(self, client: Client, db: None) -> None:
        for method in (client.get, client.post):
            response = method(reverse("notifications:settings"))
            assert response.status_code == 302
            assert response.url.startswith(reverse("account_login"))


class TestTheEmailSettings:
    def test_digest_and_quiet_hours_are_saved_with_the_rest(self, signed_in: Client, employee: User) -> None:
        response = signed_in.post(
            reverse("notifications:settings"), {"digest": "daily", "quiet_from": "21:30", "quiet_until": "07:00"}
        )
        assert response.status_code == 302
        preferences = selectors.email_preferences_for(actor=employee)
        assert (preferences.digest, preferences.quiet_from, preferences.quiet_until) == ("daily", time(21, 30), time(7))
        page = signed_in.get(reverse("notifications:settings")).text
        assert re.search(r'<option value="daily" selected>', page)
        assert 'value="21:30"' in page
        assert "Europe/Paris" in page, "quiet hours are on the person's clock, and the page says which"

    def test_emptying_the_quiet_hours_removes_them(self, signed_in: Client, employee: User) -> None:
        services.email_preferences_update(actor=employee, digest="weekly", quiet_from=time(22), quiet_until=time(6))
        assert (
            signed_in.post(reverse("notifications:settings"), {"quiet_from": "", "quiet_until": ""}).status_code == 302
        )
        assert selectors.email_preferences_for(actor=employee).quiet_from is None

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"quiet_from": "22:00"}, "Give both the start and the end of your quiet hours, or neither."),
            ({"quiet_from": "22:00", "quiet_until": "22:00"}, "Your quiet hours must end at another time"),
            ({"quiet_from": "25:00", "quiet_until": "06:00"}, "Enter a valid time."),
            ({"digest": "hourly"}, "Select a valid choice."),
        ],
        ids=["one end", "empty range", "not a time", "unknown frequency"],
    )
    def test_bad_input_is_a_clear_400_and_nothing_is_saved(
        self, signed_in: Client, employee: User, data: dict[str, str], message: str
    ) -> None:
        response = signed_in.post(reverse("notifications:settings"), {"channel_follow": "nothing", **data})
        assert response.status_code == 400
        assert message in response.text
        assert not NotificationSetting.objects.exists()
        assert selectors.email_preferences_for(actor=employee).quiet_from is None

    def test_in_french(self, client: Client, db: None) -> None:
        person = UserFactory(language="fr")
        client.force_login(person)
        response = client.post(
            reverse("notifications:settings"), {"quiet_from": "22:00"}, headers={"accept-language": "fr"}
        )
        assert response.status_code == 400
        assert "Heures calmes" in response.text
        assert "Indiquez le début et la fin de vos heures calmes, ou aucun des deux." in response.text
