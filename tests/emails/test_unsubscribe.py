"""The unsubscribe link of every e-mail (RFC 8058): it turns off exactly the setting that sent the e-mail, from a
mail client's one-click POST or the page's button, without a session; a GET changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from essaim.accounts.models import User
from essaim.emails import tokens
from essaim.notifications import selectors, services
from essaim.notifications.models import Channel, Notification

Kind = Notification.Kind


def url(person: User, setting: str) -> str:
    return reverse("emails:unsubscribe", kwargs={"token": tokens.make(person.pk, setting)})


def channels(person: User) -> dict[str, str]:
    return selectors.notification_choices_for(actor=person).channels


class TestOneClick:
    def test_a_mail_clients_post_turns_off_that_kind_only(self, client: Client, colleague: User) -> None:
        before = channels(colleague)
        response = client.post(url(colleague, tokens.for_kind(Kind.MENTION)), {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert channels(colleague) == before | {Kind.MENTION: Channel.APP}, "still in the app, nothing else moved"

    def test_all_turns_off_every_notification_email_and_keeps_the_app(self, client: Client, colleague: User) -> None:
        services.notification_settings_update(actor=colleague, channels={Kind.FOLLOW: Channel.NOTHING})
        client.post(url(colleague, tokens.ALL), {"List-Unsubscribe": "One-Click"})
        after = channels(colleague)
        assert Channel.APP_AND_EMAIL not in after.values()
        assert after[Kind.FOLLOW] == Channel.NOTHING, "a kind turned off stays off"

    def test_the_digest_link_stops_the_digest_and_keeps_quiet_hours(self, client: Client, colleague: User) -> None:
        from datetime import time

        services.email_preferences_update(actor=colleague, digest="daily", quiet_from=time(22), quiet_until=time(7))
        client.post(url(colleague, tokens.DIGEST), {"List-Unsubscribe": "One-Click"})
        preferences = selectors.email_preferences_for(actor=colleague)
        assert (preferences.digest, preferences.quiet_from) == ("never", time(22))

    def test_twice_changes_nothing_more(self, client: Client, colleague: User) -> None:
        link = url(colleague, tokens.for_kind(Kind.REPLY))
        for _time in range(2):
            assert client.post(link, {"List-Unsubscribe": "One-Click"}).status_code == 200
        assert channels(colleague)[Kind.REPLY] == Channel.APP


class TestThePage:
    def test_a_get_asks_and_changes_nothing(self, client: Client, colleague: User) -> None:
        response = client.get(url(colleague, tokens.for_kind(Kind.MENTION)))
        assert response.status_code == 200
        assert "Stop sending Éloïse Dupré" in response.text
        assert "e-mails about: mentions" in response.text
        assert 'method="post"' in response.text
        assert channels(colleague)[Kind.MENTION] == Channel.APP_AND_EMAIL

    def test_its_button_unsubscribes_and_says_so(self, client: Client, colleague: User) -> None:
        response = client.post(url(colleague, tokens.DIGEST))
        assert response.status_code == 200
        assert "We no longer send you:" in response.text
        assert "the digest by e-mail" in response.text
        assert selectors.email_preferences_for(actor=colleague).digest == "never"

    def test_in_the_persons_language(self, client: Client, colleague: User) -> None:
        User.objects.filter(pk=colleague.pk).update(language="fr")
        response = client.get(url(colleague, tokens.for_kind(Kind.MENTION)))
        assert "Se désabonner" in response.text


class TestRefused:
    @pytest.mark.parametrize("token", ["nonsense", "WzEsImFsbCJd:1tY:forged"], ids=["damaged", "forged"])
    def test_a_damaged_or_forged_link_is_a_clear_404(self, client: Client, colleague: User, token: str) -> None:
        response = client.post(reverse("emails:unsubscribe", kwargs={"token": token}))
        assert response.status_code == 404
        assert "This link does not work" in response.text
        assert channels(colleague)[Kind.MENTION] == Channel.APP_AND_EMAIL

    def test_a_link_for_another_setting_than_the_known_ones_is_refused(self, client: Client, colleague: User) -> None:
        assert client.get(url(colleague, "kind:gossip")).status_code == 404

    def test_a_closed_account_is_refused(self, client: Client, colleague: User) -> None:
        User.objects.filter(pk=colleague.pk).update(is_active=False)
        assert client.post(url(colleague, tokens.ALL), {"List-Unsubscribe": "One-Click"}).status_code == 404

    def test_other_methods_are_405(self, client: Client, colleague: User) -> None:
        assert client.put(url(colleague, tokens.ALL)).status_code == 405
