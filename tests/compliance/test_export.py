"""The compliance export: everything a person or a space wrote in the range, earlier versions, reactions, files and
what a hold kept, in a zip whose manifest is verified; built by the worker's task, downloaded by whoever asked."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from essaim.accounts.models import User
from essaim.audit.models import AuditAction, AuditEntry
from essaim.compliance import services
from essaim.compliance.models import ComplianceExport
from essaim.core.archives import verify
from essaim.spaces.models import Space
from essaim.stream import services as stream
from essaim.stream.models import Comment, Post, Reaction
from tests.accounts.factories import UserFactory
from tests.spaces.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _dated(row: Post | Comment, when: datetime) -> None:
    type(row).objects.filter(pk=row.pk).update(created_at=when)


@pytest.fixture
def orion(frozen: datetime, officer: User, secret_space: Space, writer: User, colleague: User) -> dict[str, Any]:
    """A secret space's month of May: an edited post with a file, a reaction and a comment; a post from April;
    a comment deleted under the hold."""
    MembershipFactory(space=secret_space, user=colleague)
    may = frozen - timedelta(days=20)
    post = stream.post_create(
        actor=writer,
        body="Budget Orion : première estimation",
        space=secret_space,
        attachments=[SimpleUploadedFile("budget.csv", b"poste;montant\nserveurs;12000\n", content_type="text/csv")],
    )
    stream.post_edit(actor=writer, post=post, body="Budget Orion : estimation révisée")
    stream.reaction_add(actor=colleague, post=post, emoji="👍")
    comment = stream.comment_create(actor=colleague, post=post, body="Validé côté achats")
    gone = stream.comment_create(actor=writer, post=post, body="Chiffre confidentiel, à effacer")
    april = stream.post_create(actor=writer, body="Lancement du projet", space=secret_space)
    for row in (post, comment, gone):
        _dated(row, may)
    Reaction.objects.filter(post=post).update(created_at=may)
    _dated(april, frozen - timedelta(days=50))
    services.legal_hold_place(actor=officer, space=secret_space, reason="Audit interne Orion")
    gone.refresh_from_db()
    stream.comment_delete(actor=writer, comment=gone)
    return {"post": post, "comment": comment, "april": april}


def _build(officer: User, tmp_path: Path, **subject: Any) -> tuple[ComplianceExport, zipfile.ZipFile, dict[str, Any]]:
    export = services.compliance_export_request(
        actor=officer, since=date(2026, 5, 1), until=date(2026, 5, 31), **subject
    )
    services.compliance_export_build.call(export.pk)  # what the worker runs
    export.refresh_from_db()
    path = tmp_path / "export.zip"
    with export.file.open("rb") as stored:
        path.write_bytes(stored.read())
    opened = zipfile.ZipFile(path)
    return export, opened, json.loads(opened.read("manifest.json"))


def test_a_spaces_export_holds_its_month_with_versions_reactions_comments_files_and_what_the_hold_kept(
    officer: User, secret_space: Space, orion: dict[str, Any], colleague: User, tmp_path: Path
) -> None:
    export, opened, manifest = _build(officer, tmp_path, space=secret_space)
    assert export.status == "ready"
    (post,) = json.loads(opened.read("posts.json"))
    assert (post["id"], post["body"], post["space"]) == (
        orion["post"].pk,
        "Budget Orion : estimation révisée",
        "projet-orion",
    )
    assert [v["body"] for v in post["earlier_versions"]] == ["Budget Orion : première estimation"]
    assert [r["by"] for r in post["reactions"]] == [colleague.handle]
    assert [f["name"] for f in post["files"]] == ["budget.csv"]
    assert [c["body"] for c in json.loads(opened.read("comments.json"))] == ["Validé côté achats"]
    (kept,) = json.loads(opened.read("kept_under_hold.json"))
    assert (kept["kind"], kept["why"], kept["body"]) == ("comment", "deleted", "Chiffre confidentiel, à effacer")
    assert manifest["counts"] == {"posts": 1, "comments": 1, "kept_under_hold": 1, "files": 1}
    assert (manifest["format"], manifest["from"], manifest["to"]) == (
        "essaim-compliance-export/1",
        "2026-05-01",
        "2026-05-31",
    )
    assert manifest["space"] == {"id": secret_space.pk, "slug": "projet-orion"}
    assert manifest["requested_by"]["handle"] == officer.handle


def test_the_manifest_lists_every_file_with_its_size_and_checksum_and_a_changed_byte_is_caught(
    officer: User, secret_space: Space, orion: dict[str, Any], tmp_path: Path
) -> None:
    export, opened, manifest = _build(officer, tmp_path, space=secret_space)
    path = tmp_path / "export.zip"
    assert verify(path) == []
    assert set(manifest["files"]) == {"posts.json", "comments.json", "kept_under_hold.json", next(
        name for name in opened.namelist() if name.startswith("files/")
    )}  # fmt: skip
    assert export.sha256
    assert export.size == path.stat().st_size
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data.replace(b"12000", b"99000") if name.startswith("files/") else data)
    assert [name for name in verify(tampered) if name.startswith("files/")] != []


def test_a_persons_export_holds_what_they_wrote_anywhere_and_the_reactions_they_gave(
    officer: User, writer: User, colleague: User, orion: dict[str, Any], tmp_path: Path
) -> None:
    _export, opened, manifest = _build(officer, tmp_path, user=colleague)
    assert json.loads(opened.read("posts.json")) == []
    assert [c["body"] for c in json.loads(opened.read("comments.json"))] == ["Validé côté achats"]
    assert [r["reaction"] for r in json.loads(opened.read("reactions.json"))] == ["👍"]
    assert manifest["person"] == {"id": colleague.pk, "handle": colleague.handle}


def test_asking_is_audited_and_downloading_is_the_askers_alone_and_audited(
    officer: User, secret_space: Space, orion: dict[str, Any], tmp_path: Path, network_admin: User
) -> None:
    export, _opened, _manifest = _build(officer, tmp_path, space=secret_space)
    other_officer = UserFactory(is_compliance_officer=True)
    for someone in (other_officer, network_admin):
        with pytest.raises(Http404):
            services.compliance_export_download(actor=someone, export_id=export.pk)
    services.compliance_export_download(actor=officer, export_id=export.pk)
    actions = list(
        AuditEntry.objects.filter(target_type="compliance.complianceexport")
        .order_by("id")
        .values_list("action", "actor_id")
    )
    assert actions == [
        (AuditAction.COMPLIANCE_EXPORT_REQUESTED, officer.pk),
        (AuditAction.COMPLIANCE_EXPORT_DOWNLOADED, officer.pk),
    ]


def test_only_compliance_officers_ask_and_a_bad_range_is_refused(
    officer: User, network_admin: User, secret_space: Space
) -> None:
    with pytest.raises(PermissionDenied):
        services.compliance_export_request(
            actor=network_admin, space=secret_space, since=date(2026, 5, 1), until=date(2026, 5, 31)
        )
    with pytest.raises(ValidationError) as refused:
        services.compliance_export_request(
            actor=officer, space=secret_space, since=date(2026, 5, 31), until=date(2026, 5, 1)
        )
    assert "until" in refused.value.message_dict
    assert not ComplianceExport.objects.exists()


def test_old_exports_are_forgotten_with_their_files(
    officer: User, secret_space: Space, orion: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export, _opened, _manifest = _build(officer, tmp_path, space=secret_space)
    name = export.file.name
    later = export.requested_at + services.KEEP + timedelta(minutes=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert services.compliance_exports_forget() == 1
    assert not export.file.storage.exists(name)
