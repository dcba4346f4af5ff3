from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from essaim.events.types import PraiseGiven
from essaim.notifications.models import Notification
from essaim.praise import selectors, services
from essaim.praise.models import Badge, PraisedPerson
from essaim.stream import selectors as stream_selectors
from essaim.stream.models import PostKind
from tests.accounts.factories import UserFactory


@pytest.fixture
def third(db):
    return UserFactory(first_name="Théo", last_name="Roux", handle="theo.roux")


class TestPraiseGive:
    def test_praising_two_colleagues_makes_a_praise_post_that_tells_them(
        self, employee, colleague, third, capture_events, drain_outbox
    ):
        post = services.praise_give(
            actor=employee, people=[colleague, third], badge=Badge.TEAMWORK, body="Merci pour le salon !"
        )
        assert post.kind == PostKind.PRAISE
        assert list(PraisedPerson.objects.order_by("position").values_list("user_id", flat=True)) == [
            colleague.pk,
            third.pk,
        ]
        assert [e.praised_ids for e in capture_events if isinstance(e, PraiseGiven)] == [(colleague.pk, third.pk)]
        drain_outbox()
        told = set(Notification.objects.filter(kind="praise").values_list("recipient_id", flat=True))
        assert told == {colleague.pk, third.pk}

    def test_nobody_praises_themselves(self, employee, colleague):
        with pytest.raises(ValidationError, match="not yourself"):
            services.praise_give(actor=employee, people=[colleague, employee], badge="thanks", body="Bravo")

    def test_a_badge_and_someone_are_needed(self, employee, colleague):
        with pytest.raises(ValidationError, match="badge"):
            services.praise_give(actor=employee, people=[colleague], badge="best", body="Bravo")
        with pytest.raises(ValidationError, match="at least one"):
            services.praise_give(actor=employee, people=[], badge="thanks", body="Bravo")

    def test_guests_do_not_praise(self, guest, employee):
        with pytest.raises(PermissionDenied):
            services.praise_give(actor=guest, people=[employee], badge="thanks", body="Merci")


class TestReceived:
    def test_the_profile_counts_the_praise_received_and_shows_the_latest(self, client, employee, colleague, third):
        for n in range(3):
            services.praise_give(actor=employee, people=[colleague], badge="thanks", body=f"Merci {n}")
        services.praise_give(actor=third, people=[employee], badge="expertise", body="Pas pour elle")
        received = selectors.praise_received_for(actor=third, person=colleague)
        assert received.count == 3
        assert [p.body for p in received.latest] == ["Merci 2", "Merci 1", "Merci 0"]
        client.force_login(third)
        html = client.get(reverse("people:profile", kwargs={"handle": colleague.handle})).content.decode()
        assert "Praise received" in html
        assert "was praised 3 times" in html

    def test_a_card_shows_the_badge_and_the_people_in_one_query(
        self, employee, colleague, third, django_assert_num_queries
    ):
        posts = [
            services.praise_give(actor=employee, people=[colleague, third], badge="extra_mile", body=f"Bravo {n}")
            for n in range(3)
        ]
        found = stream_selectors.post_list_for(actor=third).filter(pk__in=[p.pk for p in posts])
        posts = list(found)
        with django_assert_num_queries(1):
            stream_selectors.hydrate(actor=third, posts=posts)
        assert all(p.praise_badge == "extra_mile" for p in posts)
        assert [u.handle for u in posts[0].praised] == [colleague.handle, third.handle]


class TestComposer:
    def test_the_composer_praises_two_colleagues_by_handle(self, client, employee, colleague, third):
        client.force_login(employee)
        response = client.post(
            reverse("stream:post-create"),
            {
                "kind": "praise",
                "body": "Merci à vous deux",
                "praise-praised": "@eloise.dupre, @theo.roux",
                "praise-badge": "thanks",
                "visibility": "company",
            },
        )
        assert response.status_code == 302
        assert PraisedPerson.objects.count() == 2
        home = client.get("/").content.decode()
        assert "praise--thanks" in home

    def test_an_unknown_handle_is_refused_and_the_text_kept(self, client, employee):
        client.force_login(employee)
        response = client.post(
            reverse("stream:post-create"),
            {
                "kind": "praise",
                "body": "Merci !",
                "praise-praised": "@personne.inconnue",
                "praise-badge": "thanks",
                "visibility": "company",
            },
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "No colleague has the handle @personne.inconnue" in html
        assert "@personne.inconnue" in html
