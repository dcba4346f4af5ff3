"""Search inside attached documents (issue 19 item 3): a file's text, read by the worker (``essaim.documents``),
is found by a search, with the matching passage in the snippet and the file linked; only for readers of its post."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.accounts.models import User
from essaim.search.selectors import search_for
from essaim.spaces.models import Space
from essaim.stream import services as stream
from tests.accounts.factories import UserFactory
from tests.documents import factories
from tests.spaces.factories import SpaceFactory, member

pytestmark = pytest.mark.django_db


def _pdf(name: str, lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, factories.pdf(lines), content_type="application/pdf")


def test_a_pdf_s_text_is_found_with_its_passage_and_its_file(drain_outbox: Callable[[], int]) -> None:
    author: User = UserFactory(language="fr")
    reader: User = UserFactory()
    stream.post_create(
        actor=author, body="Le compte rendu", attachments=[_pdf("cr.pdf", ["Les réunions du comité de pilotage"])]
    )
    drain_outbox()  # the post indexed and the file read …
    drain_outbox()  # … then the file's row written again with its text
    results = search_for(actor=reader, q="réunion pilotage", tab="files")
    assert results.counts["files"] == 1
    [hit] = results.hits
    assert hit.attachment is not None
    assert hit.attachment.original_name == "cr.pdf"
    assert "pilotage" in str(hit.snippet)


def test_a_secret_space_s_document_is_found_by_its_members_only(drain_outbox: Callable[[], int]) -> None:
    space: Space = SpaceFactory(visibility="secret")
    author = member(space).user
    insider = member(space).user
    outsider: User = UserFactory()
    stream.post_create(
        actor=author, body="Budget", space=space, attachments=[_pdf("budget.pdf", ["Acquisition confidentielle Orion"])]
    )
    drain_outbox()
    drain_outbox()
    assert search_for(actor=insider, q="orion", tab="files").counts["files"] == 1
    outside = search_for(actor=outsider, q="orion", tab="files")
    assert (outside.counts["files"], outside.hits) == (0, [])
