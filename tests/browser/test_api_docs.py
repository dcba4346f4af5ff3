"""The interactive API docs render in a real browser under Essaim's CSP, from local files only."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_without_csp_violations_or_outside_requests(page: Any, live_server: Any) -> None:
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: None if req.url.startswith(live_server.url) else outside.append(req.url))
    page.goto("/api/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Essaim API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock").first.wait_for()
    assert problems == []
    assert outside == []
