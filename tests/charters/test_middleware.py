"""A person with a network charter to accept meets it on every page; the API says so in JSON; nothing else
costs a query more."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from essaim.accounts.models import User
from essaim.api.services import personal_token_create
from essaim.charters import services

pytestmark = pytest.mark.django_db
CHARTER = reverse("charters:accept")


@pytest.fixture
def charter(network_admin: User) -> Any:
    return services.charter_publish(
        actor=network_admin, body_fr="Soyez courtois.", body_en="Be courteous.", requires_acceptance=True
    )


@pytest.fixture
def signed_in(client: Client, employee: User) -> Client:
    client.force_login(employee)
    return client


def test_every_page_sends_to_the_charter_and_keeps_where_one_was_going(signed_in: Client, charter: Any) -> None:
    response = signed_in.get("/spaces/?scope=mine")
    assert response.status_code == 302
    assert response.url == f"{CHARTER}?next=%2Fspaces%2F%3Fscope%3Dmine"
    assert signed_in.get("/").url == CHARTER


def test_accepting_opens_the_network_and_goes_where_one_was_going(signed_in: Client, charter: Any) -> None:
    response = signed_in.post(CHARTER, {"charter": charter.pk, "next": "/spaces/"})
    assert response.status_code == 302
    assert response.url == "/spaces/"
    assert signed_in.get("/spaces/").status_code == 200


def test_a_form_sent_goes_to_the_charter_too(signed_in: Client, charter: Any) -> None:
    response = signed_in.post(reverse("stream:post-create"), {"body": "Bonjour"})
    assert response.status_code == 302
    assert response.url == CHARTER


@pytest.mark.parametrize(
    "path", ["/charter/", "/healthz", "/static/essaim/essaim.css", "/i18n/setlang/", "/accounts/language/"]
)
def test_exemptions(signed_in: Client, charter: Any, path: str) -> None:
    response = signed_in.get(path)
    assert not (response.status_code == 302 and response.get("Location", "").startswith(CHARTER))


def test_signing_out_stays_possible(signed_in: Client, charter: Any) -> None:
    response = signed_in.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not response.url.startswith(CHARTER)


def test_htmx_is_told_to_load_the_charter_for_the_page_it_is_on(signed_in: Client, charter: Any) -> None:
    response = signed_in.get(
        "/notifications/bell/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/spaces/"}
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{CHARTER}?next=%2Fspaces%2F"


def test_the_live_stream_stops(signed_in: Client, charter: Any) -> None:
    assert signed_in.get("/live/events", headers={"Accept": "text/event-stream"}).status_code == 204


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_answers_403_in_json_in_the_persons_language(
    client: Client, employee: User, charter: Any, language: str
) -> None:
    employee.language = language
    employee.save(update_fields=["language"])
    client.force_login(employee)
    response = client.get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 403
    body = response.json()
    assert "http://testserver/charter/" in body["error_description"]
    assert response["Content-Language"] == language, "said in the person's language"
    if language == "en":  # the French words come with the catalogue (their msgids are listed for translation)
        assert body["error"] == "Accept the usage charter first"
        assert "read and accept it at http://testserver/charter/" in body["error_description"]


def test_a_personal_token_is_refused_alike(client: Client, employee: User, charter: Any) -> None:
    _token, raw = personal_token_create(actor=employee, name="script")
    response = client.get("/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 403
    assert "/charter/" in response.json()["error_description"]


def test_guests_accept_before_entering(client: Client, guest: User, charter: Any) -> None:
    client.force_login(guest)
    assert client.get("/").url == CHARTER


def test_a_minor_version_asks_nobody_again(
    signed_in: Client, employee: User, network_admin: User, charter: Any
) -> None:
    signed_in.post(CHARTER, {"charter": charter.pk})
    services.charter_publish(actor=network_admin, body_fr="Soyez courtois !", body_en="", requires_acceptance=False)
    assert signed_in.get("/").status_code == 200


def test_a_page_costs_no_query_more_once_accepted(
    signed_in: Client, charter: Any, django_assert_max_num_queries: Any
) -> None:
    signed_in.post(CHARTER, {"charter": charter.pk})
    signed_in.get("/people/")  # the acceptance found once, then kept in the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as page:
        signed_in.get("/people/")
    with django_assert_max_num_queries(len(page)):
        assert signed_in.get("/people/").status_code == 200
    assert not [q for q in page.captured_queries if "charters_" in q["sql"]]


def test_nothing_pending_costs_at_most_one_query_then_none(
    signed_in: Client, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        assert signed_in.get("/people/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert signed_in.get("/people/").status_code == 200
    charters_first = [q for q in first.captured_queries if "charters_" in q["sql"]]
    charters_second = [q for q in second.captured_queries if "charters_" in q["sql"]]
    assert (len(charters_first), len(charters_second)) == (1, 0)
