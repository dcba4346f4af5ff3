"""A person's archive holds what they wrote and said about themselves, with a manifest that checks it, and nothing of
anyone else's."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.privacy import archive
from essaim.stream.models import Comment, Post

pytestmark = pytest.mark.django_db


def _read(path: Path) -> tuple[dict[str, Any], zipfile.ZipFile]:
    opened = zipfile.ZipFile(path)
    return json.loads(opened.read("manifest.json")), opened


@pytest.mark.usefixtures("everything")
def test_the_archive_holds_their_posts_with_earlier_versions_comments_reactions_and_follows(
    person: User, colleague: User, their_post: Post, their_comment: Comment, tmp_path: Path
) -> None:
    manifest, opened = _read(_written(person, tmp_path))
    posts = json.loads(opened.read("posts.json"))
    assert [(p["id"], p["body"], p["space"]) for p in posts] == [
        (their_post.pk, "Compte rendu de la réunion qualité", "qualite")
    ]
    assert [v["body"] for v in posts[0]["earlier_versions"]] == ["Première version du compte rendu"]
    assert [f["name"] for f in posts[0]["files"]] == ["notes.txt"]
    comments = json.loads(opened.read("comments.json"))
    assert [(c["id"], c["body"], c["post"]) for c in comments] == [(their_comment.pk, "Moi !", their_comment.post_id)]
    assert [r["reaction"] for r in json.loads(opened.read("reactions.json"))] == ["👍"]
    following = json.loads(opened.read("following.json"))
    assert [f["handle"] for f in following["people"]] == [colleague.handle]
    assert [s["space"] for s in json.loads(opened.read("spaces.json"))] == ["qualite"]
    account = json.loads(opened.read("account.json"))
    assert (account["email"], account["first_name"]) == ("elise@example.com", "Élise")
    assert manifest["counts"] == {
        "posts": 1,
        "comments": 1,
        "reactions": 1,
        "saved_posts": 0,
        "spaces": 1,
        "charters": 0,
        "reports": 0,
        "warnings": 0,
        "files": 2,
    }


def test_their_files_are_in_it_and_every_checksum_of_the_manifest_is_right(
    person: User, everything: None, tmp_path: Path
) -> None:
    manifest, opened = _read(_written(person, tmp_path))
    files = {name for name in opened.namelist() if name.startswith("files/")}
    assert {name.split("-", 1)[1] for name in files} == {"notes.txt", "inscription.txt"}
    assert {opened.read(name) for name in files} == {"Réunion qualité".encode(), b"oui"}
    for name, line in manifest["files"].items():
        content = opened.read(name)
        assert (len(content), hashlib.sha256(content).hexdigest()) == (line["size"], line["sha256"])
    assert set(manifest["files"]) | {"manifest.json"} == set(opened.namelist())


def test_nothing_anyone_else_wrote_is_in_it(person: User, everything: None, tmp_path: Path) -> None:
    _, opened = _read(_written(person, tmp_path))
    everything_written = b"".join(opened.read(name) for name in opened.namelist())
    assert "Merci Élise".encode() not in everything_written
    assert "Qui vient à la formation".encode() not in everything_written


def test_a_person_who_wrote_nothing_gets_empty_lists(stranger: User, tmp_path: Path) -> None:
    manifest, opened = _read(_written(stranger, tmp_path))
    assert json.loads(opened.read("posts.json")) == []
    assert manifest["counts"]["posts"] == 0


def test_a_file_lost_from_the_disk_is_said_in_the_manifest_rather_than_failing(
    person: User, their_post: Post, tmp_path: Path
) -> None:
    attachment = their_post.attachments.get()
    attachment.file.storage.delete(attachment.file.name)
    manifest, _ = _read(_written(person, tmp_path))
    assert manifest["files"][f"files/{attachment.pk}-notes.txt"] == {"missing": True}


def _written(user: User, tmp_path: Path) -> Path:
    path = tmp_path / "archive.zip"
    archive.write(user, path)
    return path


def test_the_archive_holds_the_posts_they_saved_and_their_content_warnings(
    person: User, colleague: User, tmp_path: Path
) -> None:
    from essaim.stream import services

    theirs = services.post_create(actor=person, body="Résultats de l'enquête", spoiler_text="Chiffres internes")
    other = services.post_create(actor=colleague, body="Procédure de congés")
    services.bookmark_add(actor=person, post=other)
    _manifest, opened = _read(_written(person, tmp_path))
    posts = json.loads(opened.read("posts.json"))
    assert [(p["id"], p["content_warning"], p["sensitive"]) for p in posts] == [(theirs.pk, "Chiffres internes", False)]
    assert [s["post"] for s in json.loads(opened.read("saved_posts.json"))] == [other.pk]
