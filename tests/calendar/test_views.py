"""The calendar's pages: wiring, status codes, the composer's "Event" switch, the .ics and the calendar feed."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from essaim.accounts.models import User
from essaim.calendar import services
from essaim.calendar.models import CalendarFeed, Event, Rsvp
from essaim.spaces.models import Membership, Space
from essaim.stream.models import Post, PostKind
from tests.calendar.factories import publish_event
from tests.spaces.factories import SpaceFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def signed_in(client: Client, employee: User) -> Client:
    client.force_login(employee)
    return client


def composer_post(**extra: str) -> dict[str, str]:
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    return {
        "body": "On fête la fin du projet.",
        "visibility": "company",
        "kind": "event",
        "event-title": "Fête du projet Atlas",
        "event-start_date": day,
        "event-start_time": "18:00",
        "event-end_time": "21:00",
        "event-time_zone": "Europe/Paris",
        "event-place": "Terrasse, 5e étage",
        "event-capacity": "30",
        **extra,
    }


class TestComposer:
    def test_the_composer_offers_the_event_switch(self, signed_in: Client) -> None:
        page = signed_in.get("/").text
        assert 'name="kind" value="event"' in page
        assert 'name="event-title"' in page

    def test_an_event_from_the_composer(self, signed_in: Client) -> None:
        response = signed_in.post("/posts/new", composer_post())
        assert response.status_code == 302
        post = Post.objects.get()
        assert post.kind == PostKind.EVENT
        event = Event.objects.get(pk=post.pk)
        assert (event.title, event.capacity, event.place) == ("Fête du projet Atlas", 30, "Terrasse, 5e étage")
        assert event.local_start.hour == 18
        assert (event.ends_at - event.starts_at) == timedelta(hours=3)

    def test_a_plain_post_ignores_the_event_fields(self, signed_in: Client) -> None:
        assert signed_in.post("/posts/new", composer_post(kind="post")).status_code == 302
        assert Post.objects.get().kind == PostKind.POST
        assert not Event.objects.exists()

    def test_refused_event_fields_come_back_with_what_was_typed(self, signed_in: Client) -> None:
        response = signed_in.post("/posts/new", composer_post(**{"event-title": "", "event-end_time": "17:00"}))
        assert response.status_code == 400
        assert "The event must end after it starts." in response.text
        assert "On fête la fin du projet." in response.text
        assert 'id="composer-kind-event" checked' in response.text
        assert not Post.objects.exists()

    def test_a_missing_time_asks_for_it(self, signed_in: Client) -> None:
        response = signed_in.post("/posts/new", composer_post(**{"event-start_time": ""}))
        assert response.status_code == 400
        assert "Give the start time" in response.text

    def test_an_all_day_event(self, signed_in: Client) -> None:
        response = signed_in.post("/posts/new", composer_post(**{"event-all_day": "on", "event-start_time": ""}))
        assert response.status_code == 302
        event = Event.objects.get()
        assert event.all_day
        assert event.ends_at - event.starts_at == timedelta(days=1)

    def test_an_event_in_a_space(self, signed_in: Client, employee: User) -> None:
        space = SpaceFactory(slug="atlas")
        Membership.objects.create(space=space, user=employee, role=Membership.Role.MEMBER)
        response = signed_in.post("/posts/new", composer_post(space=str(space.pk)))
        assert response.status_code == 302
        assert Event.objects.get().space_id == space.pk
        assert "Fête du projet Atlas" in signed_in.get("/spaces/atlas/").text  # the card and "Upcoming events"


class TestEventPage:
    def test_shows_the_event_and_who_comes(self, signed_in: Client, employee: User, colleague: User) -> None:
        event = publish_event(employee)
        services.rsvp_set(actor=colleague, event=event, answer=Rsvp.Answer.GOING)
        response = signed_in.get(f"/events/{event.pk}/")
        assert response.status_code == 200
        assert "Atelier d&#x27;intelligence collective" in response.text
        assert "Éloïse Dupré" in response.text
        assert "Edit the event" in response.text

    def test_the_page_takes_few_queries(
        self, signed_in: Client, employee: User, colleague: User, django_assert_max_num_queries: object
    ) -> None:
        event = publish_event(employee)
        services.rsvp_set(actor=colleague, event=event, answer=Rsvp.Answer.GOING)
        signed_in.get(f"/events/{event.pk}/")
        with django_assert_max_num_queries(12):  # type: ignore[operator]
            signed_in.get(f"/events/{event.pk}/")

    def test_a_secret_spaces_event_is_a_404_for_outsiders(
        self, client: Client, employee: User, colleague: User
    ) -> None:
        space = SpaceFactory(visibility=Space.Visibility.SECRET)
        Membership.objects.create(space=space, user=employee, role=Membership.Role.MEMBER)
        event = publish_event(employee, space=space)
        client.force_login(colleague)
        for url in (f"/events/{event.pk}/", f"/events/{event.pk}/event.ics", f"/events/{event.pk}/edit/"):
            assert client.get(url).status_code == 404
        assert client.post(f"/events/{event.pk}/rsvp/", {"answer": "going"}).status_code == 404
        assert client.get("/events/99999999999/").status_code == 404

    def test_rsvp_with_htmx_answers_the_block(self, signed_in: Client, employee: User) -> None:
        event = publish_event(employee)
        response = signed_in.post(f"/events/{event.pk}/rsvp/", {"answer": "going"}, **HTMX)
        assert response.status_code == 200
        assert 'aria-pressed="true"' in response.text
        assert "1 going" in response.text
        assert Rsvp.objects.get().answer == Rsvp.Answer.GOING

    def test_rsvp_without_javascript_comes_back_to_the_page(self, signed_in: Client, employee: User) -> None:
        event = publish_event(employee)
        response = signed_in.post(f"/events/{event.pk}/rsvp/", {"answer": "maybe"})
        assert response.status_code == 302
        assert response.url == f"/events/{event.pk}/"

    def test_a_bad_answer_is_a_400(self, signed_in: Client, employee: User) -> None:
        event = publish_event(employee)
        assert signed_in.post(f"/events/{event.pk}/rsvp/", {"answer": "perhaps"}).status_code == 400

    def test_edit_and_cancel(self, signed_in: Client, employee: User) -> None:
        event = publish_event(employee)
        form = signed_in.get(f"/events/{event.pk}/edit/")
        assert form.status_code == 200
        assert 'value="Atelier d&#x27;intelligence collective"' in form.text
        start = event.local_start
        response = signed_in.post(
            f"/events/{event.pk}/edit/",
            {
                "event-title": "Atelier déplacé",
                "event-start_date": start.date().isoformat(),
                "event-start_time": "09:00",
                "event-end_time": "08:00",
                "event-time_zone": "Europe/Paris",
            },
        )
        assert response.status_code == 400
        assert "The event must end after it starts." in response.text
        response = signed_in.post(
            f"/events/{event.pk}/edit/",
            {
                "event-title": "Atelier déplacé",
                "event-start_date": start.date().isoformat(),
                "event-start_time": "09:00",
                "event-end_time": "11:00",
                "event-time_zone": "Europe/Paris",
            },
        )
        assert response.status_code == 302
        event.refresh_from_db()
        assert event.title == "Atelier déplacé"
        assert signed_in.get(f"/events/{event.pk}/cancel/").status_code == 200
        assert signed_in.post(f"/events/{event.pk}/cancel/").status_code == 302
        event.refresh_from_db()
        assert event.cancelled_at is not None
        assert "Cancelled" in signed_in.get(f"/events/{event.pk}/").text

    def test_someone_else_cannot_edit_or_cancel(self, client: Client, employee: User, colleague: User) -> None:
        event = publish_event(employee)
        client.force_login(colleague)
        assert client.get(f"/events/{event.pk}/edit/").status_code == 403
        assert client.post(f"/events/{event.pk}/cancel/").status_code == 403

    def test_the_ics_download(self, signed_in: Client, employee: User) -> None:
        event = publish_event(employee, title="Séminaire")
        response = signed_in.get(f"/events/{event.pk}/event.ics")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert 'filename="seminaire.ics"' in response["Content-Disposition"]
        (vevent,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        assert str(vevent["SUMMARY"]) == "Séminaire"

    def test_the_event_card_in_the_home_feed(self, signed_in: Client, employee: User) -> None:
        publish_event(employee, title="Café des nouveaux", capacity=5)
        page = signed_in.get("/").text
        assert "event-card" in page
        assert "Café des nouveaux" in page
        assert 'name="answer" value="going"' in page


class TestMyEventsAndFeed:
    def test_my_events_lists_what_i_answered_and_offers_others(
        self, signed_in: Client, employee: User, colleague: User
    ) -> None:
        mine = publish_event(colleague, title="Réunion d'équipe")
        publish_event(colleague, title="Conférence ouverte")
        services.rsvp_set(actor=employee, event=mine, answer=Rsvp.Answer.GOING)
        page = signed_in.get("/events/").text
        assert (
            page.index("Réunion d&#x27;équipe")
            < page.index("Other events you can join")
            < page.index("Conférence ouverte")
        )
        assert "Get my calendar address" in page

    def test_the_feed_address_is_made_changed_and_turned_off(self, signed_in: Client, employee: User) -> None:
        assert signed_in.post("/events/calendar/", {"do": "make"}).status_code == 302
        token = CalendarFeed.objects.get(user=employee).token
        assert f"/calendar/{token}.ics" in signed_in.get("/events/").text
        signed_in.post("/events/calendar/", {"do": "regenerate"})
        assert CalendarFeed.objects.get(user=employee).token != token
        signed_in.post("/events/calendar/", {"do": "revoke"})
        assert not CalendarFeed.objects.exists()
        assert signed_in.post("/events/calendar/", {"do": "?"}).status_code == 400

    def test_the_feed_needs_no_session_and_holds_only_my_events(
        self, client: Client, employee: User, colleague: User
    ) -> None:
        answered = publish_event(colleague, title="J'y vais")
        publish_event(colleague, title="Pas pour moi")
        services.rsvp_set(actor=employee, event=answered, answer=Rsvp.Answer.MAYBE)
        own = publish_event(employee, title="Le mien")
        services.event_cancel(actor=employee, event=own)
        feed = services.calendar_feed_get_or_create(actor=employee)
        response = client.get(f"/calendar/{feed.token}.ics")
        assert response.status_code == 200
        cal = icalendar.Calendar.from_ical(response.content)
        summaries = {str(v["SUMMARY"]): str(v["STATUS"]) for v in cal.walk("VEVENT")}
        assert summaries == {"J'y vais": "CONFIRMED", "Le mien": "CANCELLED"}

    def test_an_old_or_unknown_address_is_a_404(self, client: Client, employee: User) -> None:
        feed = services.calendar_feed_get_or_create(actor=employee)
        services.calendar_feed_regenerate(actor=employee)
        assert client.get(f"/calendar/{feed.token}.ics").status_code == 404
        assert client.get("/calendar/nothing.ics").status_code == 404

    def test_a_deactivated_persons_address_answers_nothing(self, client: Client, employee: User) -> None:
        feed = services.calendar_feed_get_or_create(actor=employee)
        User.objects.filter(pk=employee.pk).update(is_active=False)
        assert client.get(f"/calendar/{feed.token}.ics").status_code == 404

    def test_the_feed_forgets_events_one_may_no_longer_read(
        self, client: Client, employee: User, colleague: User
    ) -> None:
        space = SpaceFactory(visibility=Space.Visibility.SECRET)
        Membership.objects.create(space=space, user=colleague, role=Membership.Role.MEMBER)
        membership = Membership.objects.create(space=space, user=employee, role=Membership.Role.MEMBER)
        event = publish_event(colleague, space=space, title="Secret")
        services.rsvp_set(actor=employee, event=event, answer=Rsvp.Answer.GOING)
        feed = services.calendar_feed_get_or_create(actor=employee)
        assert b"Secret" in client.get(f"/calendar/{feed.token}.ics").content
        membership.delete()
        assert b"Secret" not in client.get(f"/calendar/{feed.token}.ics").content

    def test_the_navigation_links_my_events(self, signed_in: Client) -> None:
        assert 'href="/events/"' in signed_in.get("/").text
