"""Schemathesis against the live API: every operation, fuzzed from its OpenAPI document, answers as the document says.

The test starts Essaim on pytest-django's live server, with a small company in its database (a network
administrator who owns spaces, a colleague, posts, comments, reactions, an announcement, a join request, an
invitation, follows) and the administrator's personal token, then runs the ``schemathesis`` command with
``tests/api/schemathesis.toml`` (bounded examples, fixed seed, the allow-list and why). Every check runs; a failure
shows schemathesis's report, with a ``curl`` line to replay each case. docs/api.md explains the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from essaim.api import services as api_services
from essaim.calendar import services as calendar_services
from essaim.people import services as people_services
from essaim.spaces import services as spaces_services
from essaim.stream import services as stream_services
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory

pytestmark = pytest.mark.schemathesis

CONFIG = Path(__file__).with_name("schemathesis.toml")
REPORT = Path(settings.BASE_DIR) / "test-artifacts" / "schemathesis.txt"
SEED = 2026
TIMEOUT = 900  # seconds: a run that hangs fails instead of holding the CI


@pytest.fixture
def company(transactional_db: None) -> str:
    """A small company seen by its network administrator; returns the administrator's personal token."""
    admin = AdminFactory(first_name="Adèle", last_name="Admin", handle="adele.admin")
    colleague = UserFactory(first_name="Éloïse", last_name="Dupré", handle="eloise.dupre")
    GuestFactory(first_name="Gaspard", last_name="Extern", handle="gaspard.extern")
    atlas = spaces_services.space_create(actor=admin, name="Projet Atlas", visibility="public")
    direction = spaces_services.space_create(actor=admin, name="Direction", visibility="private")
    spaces_services.space_create(actor=admin, name="Équipe Atlas", visibility="public", parent=atlas)
    sales = spaces_services.space_create(actor=colleague, name="Ventes", visibility="private")
    spaces_services.space_create(actor=colleague, name="Café", visibility="public")  # one to join
    spaces_services.membership_join(actor=colleague, space=atlas)
    spaces_services.join_request_create(actor=colleague, space=direction, message="Bonjour")
    spaces_services.invitation_create(actor=colleague, space=sales, user=admin)
    people_services.follow_create(actor=admin, user=colleague)
    people_services.follow_create(actor=colleague, user=admin)
    mine = stream_services.post_create(actor=admin, body="Bonjour @eloise.dupre, on parle de #atlas ?")
    theirs = stream_services.post_create(actor=colleague, body="Point d'étape **Atlas** #atlas")
    stream_services.post_create(actor=colleague, body="Dans l'espace", space=atlas)
    comment = stream_services.comment_create(actor=admin, post=theirs, body="Merci !")
    stream_services.comment_create(actor=colleague, post=theirs, body="Avec plaisir", parent=comment)
    stream_services.reaction_add(actor=colleague, post=mine, emoji="🎉")
    stream_services.announcement_set(actor=admin, post=mine, expires_at=timezone.now() + timedelta(days=7))
    stream_services.tag_follow(actor=admin, tag=stream_services.tag_get_or_create(name="atlas"))
    upload = SimpleUploadedFile("notes.txt", b"compte rendu", content_type="text/plain")
    stream_services.media_upload(actor=admin, upload=upload, description="Notes")
    start = timezone.now() + timedelta(days=5)
    calendar_services.event_publish(
        actor=colleague,
        details=calendar_services.EventDetails(title="Atelier", starts_at=start, ends_at=start + timedelta(hours=2)),
        body="Atelier Atlas",
        space=atlas,
    )
    _token, raw = api_services.personal_token_create(actor=admin, name="Schemathesis")
    return raw


def test_every_allow_list_entry_names_an_operation() -> None:
    """An entry that names no operation would allow nothing (schemathesis does not warn): a typo, or a path renamed."""
    from essaim.api.main import api

    document = api.get_openapi_schema()
    names = {f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item}
    entries = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["operations"]
    listed = [
        name
        for entry in entries
        for name in ([entry["include-name"]] if isinstance(entry["include-name"], str) else entry["include-name"])
    ]
    assert [name for name in listed if name not in names] == []
    assert len(listed) > 25


def test_the_api_answers_as_its_openapi_document_says(live_server: Any, company: str, settings: Any) -> None:
    settings.API_RATE_LIMIT = "1000000/60"  # the run sends thousands of requests; 429 is declared all the same
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        f"{live_server.url}/api/openapi.json",
        "--seed",
        str(SEED),
    ]
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 - our own command line, no shell
        command,
        env={**os.environ, "ESSAIM_API_TOKEN": company},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    elapsed = time.monotonic() - started
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(f"{' '.join(command)}\n{elapsed:.0f} s\n\n{result.stdout}\n{result.stderr}", encoding="utf-8")
    assert result.returncode == 0, f"schemathesis failed after {elapsed:.0f} s (full report: {REPORT}):\n" + (
        result.stdout[-20_000:] + result.stderr[-5_000:]
    )
