"""Error pages: Essaim's own, in the person's language, never Django's technical pages (health checks:
tests/health)."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path

from essaim.accounts.models import User
from essaim.core.views import server_error


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


# This module is the URL configuration of the tests that need a failing view.
urlpatterns = [path("boom/", boom)]
handler500 = "essaim.core.views.server_error"


def _page(response: HttpResponse) -> str:
    return response.content.decode()


@pytest.mark.django_db
class TestNotFound:
    def test_an_unknown_address_shows_essaims_page_in_french_without_the_url_map(self, client: Client) -> None:
        response = client.get("/nowhere/", headers={"accept-language": "fr"})
        assert response.status_code == 404
        page = _page(response)
        assert "Page introuvable" in page
        assert "Retour à l’accueil" in page
        assert "URLconf" not in page
        assert "django-admin" not in page
        assert 'lang="fr"' in page

    def test_in_english_for_an_english_browser(self, client: Client) -> None:
        page = _page(client.get("/nowhere/", headers={"accept-language": "en"}))
        assert "Page not found" in page
        assert 'lang="en"' in page

    def test_a_signed_in_persons_own_language_wins_over_the_browsers(self, client: Client, employee: User) -> None:
        employee.language = "en"
        employee.save(update_fields=["language"])
        client.force_login(employee)
        assert "Page not found" in _page(client.get("/nowhere/", headers={"accept-language": "fr"}))


@pytest.mark.django_db
@pytest.mark.urls("tests.core.test_views")
class TestServerError:
    def test_a_crash_shows_a_calm_page_in_the_persons_language(self) -> None:
        client = Client(raise_request_exception=False)
        response = client.get("/boom/", headers={"accept-language": "fr"})
        assert response.status_code == 500
        page = _page(response)
        assert "Un problème est survenu" in page
        assert "Traceback" not in page
        assert "RuntimeError" not in page
        english = client.get("/boom/", headers={"accept-language": "en"})
        assert "Something went wrong" in _page(english)

    def test_the_page_says_only_what_is_true_the_error_is_in_the_servers_log(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        client = Client(raise_request_exception=False)
        with caplog.at_level("WARNING", logger="django.request"):
            page = _page(client.get("/boom/", headers={"accept-language": "en"}))
        assert "recorded in the server’s log" in page
        assert any(record.levelname == "ERROR" and record.exc_info for record in caplog.records)

    def test_the_page_reads_nothing_from_the_database_which_may_be_what_failed(
        self, django_assert_num_queries: object
    ) -> None:
        request = RequestFactory().get("/boom/")
        with django_assert_num_queries(0):  # type: ignore[operator]  # pytest-django's fixture is callable
            response = server_error(request)
        assert response.status_code == 500
        assert "Something went wrong" in _page(response)
        assert "essaim.css" in _page(response), "styled like the rest of Essaim"


@pytest.mark.django_db
class TestForbiddenAndBadRequests:
    def test_a_form_sent_without_its_csrf_token_explains_what_to_do_in_french(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = client.post("/accounts/login/", {"login": "a@b.c"}, headers={"accept-language": "fr"})
        assert response.status_code == 403
        page = _page(response)
        assert "Accès refusé" in page
        assert "rechargez la page" in page
        assert "CSRF verification" not in page, "no jargon"
        assert "DEBUG" not in page

    def test_an_unknown_host_name_gets_a_plain_bad_request_page(self, client: Client) -> None:
        response = client.get("/", headers={"host": "evil.example"})
        assert response.status_code == 400
        assert "Bad request" in _page(response)
