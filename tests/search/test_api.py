"""``/api/v2/search`` in Mastodon's shapes and ``/api/v1/essaim/search``: only what the reader may see."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from essaim.people.models import Skill
from essaim.stream import services
from tests.search.conftest import Corpus

pytestmark = pytest.mark.django_db
V2 = "/api/v2/search"
ESSAIM = "/api/v1/essaim/search"


def test_statuses_accounts_and_hashtags(client: Client, corpus: Corpus) -> None:
    client.force_login(corpus.author)
    body = client.get(V2, {"q": "réunion"}).json()
    assert {s["id"] for s in body["statuses"]} == {str(corpus.posts[n].pk) for n in ("reunion", "reunions", "secret")}
    assert body["statuses"][0]["account"]["acct"]
    assert [a["acct"] for a in client.get(V2, {"q": "camille", "type": "accounts"}).json()["accounts"]] == [
        "camille.roux"
    ]
    assert [t["name"] for t in client.get(V2, {"q": "plann", "type": "hashtags"}).json()["hashtags"]] == ["planning"]


def test_type_offset_limit_and_account_id(client: Client, corpus: Corpus) -> None:
    client.force_login(corpus.author)
    first = client.get(V2, {"q": "réunion", "type": "statuses", "limit": 2}).json()
    rest = client.get(V2, {"q": "réunion", "type": "statuses", "limit": 2, "offset": 2}).json()
    assert first["accounts"] == []
    assert len(first["statuses"]) == 2
    assert len(rest["statuses"]) == 1
    mine = client.get(V2, {"q": "meeting", "account_id": str(corpus.english.pk), "resolve": "true"}).json()
    assert [s["id"] for s in mine["statuses"]] == [str(corpus.posts["meeting"].pk)]
    assert client.get(V2, {"q": "x", "limit": 0}).status_code in (400, 422)
    assert client.get(V2, {"q": "réunion", "limit": 1000}).status_code == 200  # the most: 40, as Mastodon answers
    assert client.get(V2, {"q": "x", "account_id": "999999"}).status_code == 404


def test_a_non_member_finds_nothing_of_a_secret_space(client: Client, corpus: Corpus) -> None:
    client.force_login(corpus.reader)
    statuses = client.get(V2, {"q": "fusion confidentielle"}).json()["statuses"]
    assert statuses == []
    assert client.get(ESSAIM, {"q": "fusion", "type": "spaces"}).json()["spaces"] == []


@pytest.mark.parametrize("q", ['"', "OR", "-", "'; DROP TABLE x; --", "😀", "a" * 500])
def test_hostile_queries_answer_200(client: Client, corpus: Corpus, q: str) -> None:
    client.force_login(corpus.reader)
    assert client.get(V2, {"q": q}).status_code == 200
    for kind in ("spaces", "files", "experts"):
        assert client.get(ESSAIM, {"q": q, "type": kind}).status_code == 200


def test_anonymous_callers_are_refused(client: Client) -> None:
    assert client.get(V2, {"q": "x"}).status_code == 401


def test_essaim_spaces_files_and_experts(client: Client, corpus: Corpus, drain_outbox: Callable[[], int]) -> None:
    upload = SimpleUploadedFile("Budget-2027.pdf", b"%PDF-1.4\n%%EOF", "application/pdf")
    services.post_create(actor=corpus.author, body="Le budget", attachments=[upload])
    drain_outbox()
    Skill.objects.create(name="Budget", folded="budget").profiles.add(corpus.reader.profile)
    client.force_login(corpus.english)
    assert [s["slug"] for s in client.get(ESSAIM, {"q": "projet", "type": "spaces"}).json()["spaces"]] == [
        "projet-atlas"
    ]
    files = client.get(ESSAIM, {"q": "budget", "type": "files"}).json()["files"]
    assert [(f["name"], f["kind"]) for f in files] == [("Budget-2027.pdf", "pdf")]
    assert "<mark>Budget</mark>" in files[0]["snippet"]
    experts = client.get(ESSAIM, {"q": "budget", "type": "experts"}).json()["experts"]
    assert [e["account"]["acct"] for e in experts][:2] == ["paul.lecteur", "camille.roux"]
    assert experts[0]["skills"] == ["Budget"]
    assert client.get(ESSAIM, {"q": "x", "type": "files", "cursor": "nonsense"}).status_code == 400
