"""Digests: once a day or a week on the person's own clock, about what they may see, never twice."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from essaim.accounts.models import User
from essaim.emails import digests
from essaim.emails.models import DigestDelivery
from essaim.notifications import services as notification_services
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream_services
from essaim.stream.models import Post
from tests.accounts.factories import GuestFactory, UserFactory
from tests.emails.conftest import FailingConnection, text_of
from tests.spaces.factories import SpaceFactory

# A Monday, 09:30 in Paris (08:30 UTC in winter): weekly digests are due from 08:00 on their clock.
MONDAY = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)


def _at(moment: datetime, *posts: Post) -> None:
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(created_at=moment)


def _join(space: Space, *people: User, role: str = Membership.Role.MEMBER) -> None:
    for person in people:
        Membership.objects.create(space=space, user=person, role=role)


@pytest.fixture
def week(employee: User, colleague: User) -> dict[str, Any]:
    """Léa and Éloïse in a public space "Produit" with a discussed post, an unanswered one and an announcement
    company-wide; a secret space "Fusion" that only Léa is in, with a discussed post."""
    produit = SpaceFactory(name="Produit", slug="produit")
    fusion = SpaceFactory(name="Fusion", slug="fusion", visibility=Space.Visibility.SECRET)
    _join(produit, employee, colleague)
    _join(fusion, employee)
    author = UserFactory(first_name="Paul", last_name="Petit", handle="paul")
    _join(produit, author)
    _join(fusion, author)
    discussed = stream_services.post_create(actor=author, body="Nouvelle roadmap produit", space=produit)
    for person in (employee, colleague):
        stream_services.comment_create(actor=person, post=discussed, body="Bravo")
    unanswered = stream_services.post_create(actor=author, body="Qui a le badge du parking ?", space=produit)
    secret = stream_services.post_create(actor=author, body="Data room de la fusion", space=fusion)
    stream_services.comment_create(actor=employee, post=secret, body="Vu")
    company = stream_services.post_create(actor=author, body="Fermeture du site le 24")
    stream_services.announcement_set(
        actor=UserFactory(is_communication_team=True), post=company, expires_at=MONDAY + timedelta(days=3)
    )
    _at(MONDAY - timedelta(days=2), discussed, unanswered, secret, company)
    Membership.objects.update(created_at=MONDAY - timedelta(days=30))
    Membership.objects.filter(space=produit, user=colleague).update(created_at=MONDAY - timedelta(days=1))
    return {"produit": produit, "fusion": fusion}


def _sent_to(mailoutbox: Sequence[EmailMessage], person: User) -> list[EmailMessage]:
    return [m for m in mailoutbox if m.to == [person.email]]


class TestWhenADigestIsOwed:
    def test_weekly_by_default_from_the_digest_hour_of_monday_on_the_persons_clock(self, employee: User) -> None:
        assert digests.owed(MONDAY.replace(hour=6, minute=59)) == [], "07:59 in Paris"
        [owed] = digests.owed(MONDAY.replace(hour=7))
        assert owed == digests.Owed(employee.pk, "week:2026-W50", weekly=True)

    def test_a_missed_monday_is_caught_up_later_in_the_week(self, employee: User) -> None:
        assert [o.period for o in digests.owed(MONDAY + timedelta(days=2))] == ["week:2026-W50"]

    def test_in_another_time_zone_it_waits_for_their_morning(self, employee: User) -> None:
        User.objects.filter(pk=employee.pk).update(timezone="America/Montreal")
        assert digests.owed(MONDAY) == [], "03:30 in Montréal"
        assert len(digests.owed(MONDAY.replace(hour=13))) == 1

    def test_daily_every_day_and_never_never(self, employee: User, colleague: User) -> None:
        notification_services.email_preferences_update(actor=employee, digest="daily")
        notification_services.email_preferences_update(actor=colleague, digest="never")
        tuesday = MONDAY + timedelta(days=1)
        assert digests.owed(tuesday) == [digests.Owed(employee.pk, "day:2026-12-08", weekly=False)]

    def test_not_in_quiet_hours(self, employee: User) -> None:
        notification_services.email_preferences_update(
            actor=employee, digest="weekly", quiet_from=time(6), quiet_until=time(10)
        )
        assert digests.owed(MONDAY) == [], "09:30 is quiet"
        assert len(digests.owed(MONDAY.replace(hour=9))) == 1, "10:00 is not"

    def test_not_for_deactivated_accounts(self, employee: User) -> None:
        User.objects.filter(pk=employee.pk).update(is_active=False)
        assert digests.owed(MONDAY) == []


class TestWhatADigestSays:
    def test_what_happened_in_my_spaces_and_the_network(
        self, week: dict[str, Any], colleague: User, mailoutbox: list[EmailMessage]
    ) -> None:
        digests.send_due(now=MONDAY)
        [sent] = _sent_to(mailoutbox, colleague)
        assert sent.subject == "Your week on Essaim"
        assert sent.extra_headers["Precedence"] == "bulk"
        text = text_of(sent)
        assert "== Announcements ==\n* Paul Petit: Fermeture du site le 24" in text
        assert "== Most discussed ==\n* Paul Petit (Produit): Nouvelle roadmap produit\n  2 comments" in text
        assert "== Waiting for an answer ==\n* Paul Petit (Produit): Qui a le badge du parking ?" in text
        assert "Data room" not in text, "a secret space she is not in"
        assert "Stop the digest: http://" in text

    def test_a_member_of_the_secret_space_reads_its_posts_there(
        self, week: dict[str, Any], employee: User, mailoutbox: list[EmailMessage]
    ) -> None:
        digests.send_due(now=MONDAY)
        [sent] = _sent_to(mailoutbox, employee)
        text = text_of(sent)
        assert "Data room de la fusion" in text
        assert "== New members ==\n* Produit: Éloïse Dupré" in text

    def test_a_guest_hears_only_of_their_spaces(self, week: dict[str, Any], mailoutbox: list[EmailMessage]) -> None:
        guest = GuestFactory(handle="invite")
        _join(week["produit"], guest)
        digests.send_due(now=MONDAY)
        text = text_of(_sent_to(mailoutbox, guest)[0])
        assert "Nouvelle roadmap produit" in text
        assert "Fermeture du site" not in text, "a company-wide announcement is not for guests"

    def test_nothing_to_tell_sends_nothing_and_is_not_looked_at_again(
        self, employee: User, mailoutbox: list[EmailMessage]
    ) -> None:
        assert digests.send_due(now=MONDAY) == 0
        assert mailoutbox == []
        assert DigestDelivery.objects.filter(user=employee, period="week:2026-W50").exists()
        assert digests.owed(MONDAY + timedelta(hours=1)) == []

    def test_in_french_for_a_french_speaker(
        self, week: dict[str, Any], colleague: User, mailoutbox: list[EmailMessage]
    ) -> None:
        User.objects.filter(pk=colleague.pk).update(language="fr")
        digests.send_due(now=MONDAY)
        [sent] = _sent_to(mailoutbox, colleague)
        assert sent.subject == "Votre semaine sur Essaim"
        text = re.sub(r"/posts/\d+/", "/posts/ID/", text_of(sent)).replace(settings.SITE_URL, "SITE")
        assert text == FRENCH_WEEK


FRENCH_WEEK = """Bonjour Éloïse,

Voici ce qui s’est passé cette semaine sur Essaim.

== Annonces ==
* Paul Petit: Fermeture du site le 24
  SITE/posts/ID/

== Les plus discutées ==
* Paul Petit (Produit): Nouvelle roadmap produit
  2 commentaires — SITE/posts/ID/

== En attente de réponse ==
* Paul Petit (Produit): Qui a le badge du parking ?
  SITE/posts/ID/

--\x20
Essaim — SITE
Choisir ce que vous recevez par e-mail : SITE/notifications/settings/
Ne plus recevoir le résumé : SITE/emails/unsubscribe/TOKEN/
"""


class TestNeverTwice:
    def test_a_second_run_of_the_same_week_sends_nothing(
        self, week: dict[str, Any], mailoutbox: list[EmailMessage]
    ) -> None:
        first = digests.send_due(now=MONDAY)
        assert first == 4  # Léa, Éloïse, Paul and who announced
        assert digests.send_due(now=MONDAY + timedelta(hours=3)) == 0
        assert len(mailoutbox) == 4

    def test_a_worker_killed_mid_run_sends_the_rest_once(
        self, week: dict[str, Any], mailoutbox: list[EmailMessage], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(
            digests, "mailers", type("M", (), {"default": FailingConnection(2, SystemExit("killed"))})()
        )
        with pytest.raises(SystemExit):
            digests.send_due(now=MONDAY)
        monkeypatch.undo()
        digests.send_due(now=MONDAY + timedelta(minutes=15))
        recipients = [m.to[0] for m in mailoutbox]
        assert len(recipients) == len(set(recipients)) == 3, "the one in flight when killed is not sent again"


def test_the_window_is_the_period(week: dict[str, Any], colleague: User, mailoutbox: list[EmailMessage]) -> None:
    notification_services.email_preferences_update(actor=colleague, digest="daily")
    digests.send_due(now=MONDAY)
    assert _sent_to(mailoutbox, colleague) == [], "the posts are two days old: not in today's digest"
    assert timezone.is_aware(MONDAY)


def test_choosing_a_persons_digest_reads_a_few_rows_however_many_posts(
    week: dict[str, Any], employee: User, django_assert_max_num_queries: Any
) -> None:
    """The candidates are loaded once with every field the policy and the templates read: choosing for one
    person costs the policy's few lookups, never one query per post (deferred fields)."""
    candidates = digests.Candidates(MONDAY - timedelta(days=7), MONDAY)
    spaces = set(Membership.objects.filter(user=employee).values_list("space_id", flat=True))
    with django_assert_max_num_queries(3):
        digest = candidates.digest_for(employee, spaces)
        shown = [
            (post.author.get_full_name(), post.space.name if post.space else "", post.hidden_at, post.email_url)
            for post in [*digest.discussed, *digest.announcements, *digest.unanswered]
        ]
    assert len(shown) == 4
