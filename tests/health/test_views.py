"""/healthz, /readyz and /metrics through the whole middleware chain: statuses, bodies, methods, caching."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from essaim.health import readiness


class TestHealthz:
    def test_the_process_answers_ok_without_touching_the_database(self, client: Client) -> None:
        response = client.get("/healthz")  # no django_db mark: a query would fail the test
        assert (response.status_code, response.json()) == (200, {"status": "ok"})
        assert "no-store" in response["Cache-Control"]

    def test_head_answers_too_and_other_methods_are_refused_without_a_csrf_page(self, client: Client) -> None:
        assert client.head("/healthz").status_code == 200
        refused = Client(enforce_csrf_checks=True).post("/healthz")
        assert (refused.status_code, refused["Allow"]) == (405, "GET, HEAD")

    @pytest.mark.django_db
    def test_probes_over_http_are_not_redirected_to_https(self, settings: object) -> None:
        settings.SECURE_SSL_REDIRECT = True  # type: ignore[attr-defined]  # pytest-django's settings wrapper
        client = Client()
        assert client.get("/").status_code == 301
        assert [client.get(path).status_code for path in ("/healthz", "/readyz", "/metrics")] == [200, 200, 200]


@pytest.mark.django_db
class TestReadyz:
    def test_ready_with_every_check_and_its_numbers(self, client: Client) -> None:
        response = client.get("/readyz")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ready"
        assert list(body["checks"]) == ["database", "cache", "tasks", "live", "disk"]
        assert all(check["ok"] and "ms" in check for check in body["checks"].values())
        assert set(body["checks"]["tasks"]) >= {"queued", "oldest_s", "outbox_due", "outbox_failed"}
        assert body["checks"]["disk"]["min_free_mb"] == 200
        assert "no-store" in response["Cache-Control"]

    def test_a_failing_cache_answers_503_and_names_it(self, client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
        class Down:
            def set(self, *args: object, **kwargs: object) -> None:
                raise ConnectionRefusedError(111, "Connection refused")

        every = {alias: caches[alias] for alias in ("default", "fragments", "ratelimit")}
        monkeypatch.setattr(readiness, "caches", {**every, "default": Down()})
        response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "not ready"
        assert {name for name, check in body["checks"].items() if not check["ok"]} == {"cache"}
        assert body["checks"]["cache"]["error"] == "default: ConnectionRefusedError: [Errno 111] Connection refused"

    def test_too_little_disk_space_answers_503(self, client: Client, settings: object) -> None:
        settings.READY_MIN_FREE_MB = 10**12  # type: ignore[attr-defined]  # pytest-django's settings wrapper
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["disk"]["ok"] is False


@pytest.mark.django_db
def test_metrics_answer_in_prometheus_text_format(client: Client) -> None:
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    names = {family.name for family in text_string_to_metric_families(response.content.decode())}
    assert {"essaim_http_requests", "essaim_http_request_duration_seconds", "essaim_live_streams"} <= names
