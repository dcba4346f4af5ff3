"""scim2-tester against a live Essaim: every check that applies passes.

The test starts Essaim on pytest-django's live server (a real HTTP server on loopback), creates a directory
token as a network administrator would, and runs scim2-tester's ``check_server`` with scim2-client over
HTTP: discovery (ServiceProviderConfig, Schemas, ResourceTypes), then for Users and Groups creation, reading,
listing and searching with ``attributes``/``excludedAttributes``, replacement, deletion and PATCH add, remove
and replace of every attribute the server publishes. The report is written to test-artifacts/scim2-tester.txt.

No check is excluded. Skipped ones are scim2-tester's own decision from what the server publishes (it skips,
for instance, the PATCH checks of a resource without such attributes); the test fails on any error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2
from django.conf import settings
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from essaim.scim import services
from tests.accounts.factories import AdminFactory

REPORT = Path(settings.BASE_DIR) / "test-artifacts" / "scim2-tester.txt"


def test_scim2_tester_passes_against_a_live_server(live_server: Any, transactional_db: None) -> None:
    admin = AdminFactory()
    _token, raw = services.scim_token_create(actor=admin, name="scim2-tester")
    http = httpx2.Client(base_url=f"{live_server.url}/scim/v2", headers={"Authorization": f"Bearer {raw}"}, timeout=30)
    client = SyncSCIMClient(http)
    results = check_server(client, raise_exceptions=False)
    lines = [f"{r.status.name:8} {r.resource_type or '':6} {r.title}: {r.reason or ''}" for r in results]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    failed = [line for r, line in zip(results, lines, strict=True) if r.status in {Status.ERROR, Status.CRITICAL}]
    succeeded = [r for r in results if r.status == Status.SUCCESS]
    assert failed == [], "\n".join(failed)
    assert len(succeeded) > 40  # discovery and the CRUD and PATCH checks of both resources ran
    assert {r.resource_type for r in succeeded} >= {"User", "Group"}
