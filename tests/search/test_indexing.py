"""The index follows the stream after commit (a durable consumer), catches up after downtime, and is rebuilt
by ``manage.py search_reindex`` while the site serves."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from essaim.events.models import OutboxItem
from essaim.search import selectors
from essaim.search.models import SearchDocument
from essaim.stream import services
from tests.search.conftest import Corpus

pytestmark = pytest.mark.django_db


def titles(corpus: Corpus, q: str) -> list[str]:
    return [h.post.body for h in selectors.search_for(actor=corpus.author, q=q).hits]


def test_a_new_post_is_indexed_by_the_durable_consumer_after_commit(
    corpus: Corpus, drain_outbox: Callable[[], int]
) -> None:
    services.post_create(actor=corpus.author, body="Atelier céramique jeudi")
    assert OutboxItem.objects.filter(consumer="search.index").exists()
    assert titles(corpus, "ceramique ") == []  # not yet: the worker has not run (it was down)
    drain_outbox()  # the worker comes back and catches up
    assert titles(corpus, "ceramique ") == ["Atelier céramique jeudi"]


def test_comments_are_indexed_and_edited(corpus: Corpus, drain_outbox: Callable[[], int]) -> None:
    comment = services.comment_create(actor=corpus.english, post=corpus.posts["meeting"], body="Great workshop")
    drain_outbox()
    hits = selectors.search_for(actor=corpus.author, q="workshops ").hits
    assert [h.comment for h in hits] == [comment]
    services.comment_edit(actor=corpus.english, comment=comment, body="Great session")
    drain_outbox()
    assert selectors.search_for(actor=corpus.author, q="workshop ").hits == []
    assert selectors.search_for(actor=corpus.author, q="session ").hits[0].comment == comment


def test_files_are_found_by_name_and_kind(corpus: Corpus, drain_outbox: Callable[[], int]) -> None:
    upload = SimpleUploadedFile(
        "Rapport-annuel.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf"
    )
    post = services.post_create(actor=corpus.author, body="Le rapport", attachments=[upload])
    drain_outbox()
    files = selectors.search_for(actor=corpus.author, q="rapports annuels ", tab="files")
    assert [h.attachment.original_name for h in files.hits if h.attachment] == ["Rapport-annuel.pdf"]
    assert files.facets["file_kind"][0].value == "pdf"
    assert [h.post for h in selectors.search_for(actor=corpus.author, q="has:pdf").hits] == [post]
    assert [h.post for h in selectors.search_for(actor=corpus.author, q="rapport has:file").hits] == [post]
    assert selectors.search_for(actor=corpus.reader, q="has:image").hits == []


def test_reindex_rebuilds_everything_with_a_progress_bar(corpus: Corpus) -> None:
    SearchDocument.objects.all().delete()
    assert titles(corpus, "meeting ") == []
    out = io.StringIO()
    call_command("search_reindex", "--batch", "2", stdout=out)
    assert "6/6 posts" in out.getvalue()
    assert "Indexed 6 posts" in out.getvalue()
    assert len(titles(corpus, "meeting ")) == 1
    call_command("search_reindex", stdout=io.StringIO())  # twice: the same rows, no duplicates
    assert SearchDocument.objects.count() == 6
