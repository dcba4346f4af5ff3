"""From a published file to its stored text: the consumer, the task, the row, the event; idempotent, one
bad file never stopping the others, deletion cascading, and the command for existing files."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from essaim.documents import sandbox, selectors, services
from essaim.documents.models import DocumentText
from essaim.events.models import OutboxItem
from essaim.events.types import DocumentTextExtracted
from essaim.stream import services as stream
from essaim.stream.models import Attachment
from tests.documents import factories
from tests.stream.factories import image_upload

Status, Reason = DocumentText.Status, DocumentText.Reason


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def texts_by_name(post_id: int) -> dict[str, DocumentText]:
    rows = DocumentText.objects.filter(attachment__post_id=post_id).select_related("attachment")
    return {row.attachment.original_name: row for row in rows}


class TestPublishing:
    def test_a_post_s_documents_are_read_after_it_is_published(self, employee, drain_outbox, capture_events):
        post = stream.post_create(
            actor=employee,
            body="Le compte rendu et le budget",
            attachments=[
                upload("compte-rendu.pdf", factories.pdf(["Réunion du comité à Orléans"])),
                upload("budget.xlsx", factories.xlsx({"Été": [["Fournitures", 1200]]})),
                upload("abîmé.docx", b"PK\x03\x04 not really"),
                upload("secret.pdf", factories.pdf(["Confidentiel"], password="motdepasse")),
                image_upload("photo.jpg"),
            ],
        )
        assert not DocumentText.objects.exists()  # nothing read in the post's own request
        drain_outbox()
        rows = texts_by_name(post.pk)
        assert set(rows) == {"compte-rendu.pdf", "budget.xlsx", "abîmé.docx", "secret.pdf"}  # no image
        assert rows["compte-rendu.pdf"].status == Status.DONE
        assert "Réunion du comité à Orléans" in rows["compte-rendu.pdf"].text
        assert rows["budget.xlsx"].text == "Été\nFournitures\t1200"
        assert (rows["abîmé.docx"].status, rows["abîmé.docx"].reason) == (Status.FAILED, Reason.BROKEN)
        assert (rows["secret.pdf"].status, rows["secret.pdf"].reason) == (Status.SKIPPED, Reason.ENCRYPTED)
        assert all(row.extracted_at is not None for row in rows.values())
        extracted = [e for e in capture_events if isinstance(e, DocumentTextExtracted)]
        assert {(e.attachment_id, e.post_id, e.comment_id) for e in extracted} == {
            (rows["compte-rendu.pdf"].attachment_id, post.pk, None),
            (rows["budget.xlsx"].attachment_id, post.pk, None),
        }

    def test_a_comment_s_document_is_read_and_said_to_be_the_comment_s(self, employee, drain_outbox, capture_events):
        post = stream.post_create(actor=employee, body="Des avis ?")
        comment = stream.comment_create(
            actor=employee,
            post=post,
            body="Voici ma note",
            attachments=[upload("note.odt", factories.odt(["Avis très favorable"]))],
        )
        drain_outbox()
        row = DocumentText.objects.get(attachment__comment=comment)
        assert row.text == "Avis très favorable"
        event = next(e for e in capture_events if isinstance(e, DocumentTextExtracted))
        assert (event.post_id, event.comment_id) == (post.pk, comment.pk)

    def test_a_document_added_by_an_edit_is_read(self, employee, drain_outbox):
        post = stream.post_create(actor=employee, body="Première version")
        stream.post_edit(
            actor=employee,
            post=post,
            body="Avec la présentation",
            attachments=[upload("p.pptx", factories.pptx([["Feuille de route"]]))],
        )
        drain_outbox()
        assert selectors.extracted_texts(post.attachments.values_list("pk", flat=True)) == {
            post.attachments.get().pk: "Feuille de route"
        }

    def test_a_post_without_documents_costs_the_outbox_nothing(self, employee):
        stream.post_create(actor=employee, body="Sans fichier", attachments=[image_upload()])
        assert not OutboxItem.objects.filter(consumer="documents.extract").exists()

    def test_a_file_of_another_kind_is_recorded_as_skipped(self, employee, drain_outbox):
        post = stream.post_create(
            actor=employee, body="Archive", attachments=[upload("photos.zip", b"PK\x05\x06" + b"\0" * 18)]
        )
        drain_outbox()
        row = DocumentText.objects.get(attachment__post=post)
        assert (row.status, row.reason) == (Status.SKIPPED, Reason.UNSUPPORTED)


class TestExtract:
    @pytest.fixture
    def attachment(self, employee) -> Attachment:
        stream.post_create(actor=employee, body="Notes", attachments=[upload("notes.md", b"# Ordre du jour\nBudget")])
        return Attachment.objects.get()

    def test_reading_twice_reads_once(self, attachment, monkeypatch):
        services.documents_queue(post_id=attachment.post_id or 0)
        runs = []
        real = sandbox.run
        monkeypatch.setattr(sandbox, "run", lambda *args: runs.append(1) or real(*args))
        first = services.document_extract(attachment_id=attachment.pk)
        second = services.document_extract(attachment_id=attachment.pk)
        assert first is not None
        assert second is not None
        assert first.text == second.text == "# Ordre du jour\nBudget"
        assert len(runs) == 1
        assert services.documents_queue(post_id=attachment.post_id or 0) == []  # nothing pending any more

    def test_force_reads_again(self, attachment):
        services.document_extract(attachment_id=attachment.pk)
        DocumentText.objects.update(text="ancien")
        row = services.document_extract(attachment_id=attachment.pk, force=True)
        assert row is not None
        assert row.text == "# Ordre du jour\nBudget"

    def test_a_file_deleted_while_it_is_read_leaves_nothing(self, attachment, monkeypatch, capture_events):
        real = sandbox.run

        def delete_then_run(*args):
            Attachment.objects.filter(pk=attachment.pk).delete()
            return real(*args)

        monkeypatch.setattr(sandbox, "run", delete_then_run)
        assert services.document_extract(attachment_id=attachment.pk) is None
        assert not DocumentText.objects.exists()
        assert not [e for e in capture_events if isinstance(e, DocumentTextExtracted)]

    def test_a_file_over_the_size_cap_is_skipped_without_being_opened(self, attachment, settings, monkeypatch):
        settings.DOCUMENTS_MAX_BYTES = 10
        monkeypatch.setattr(sandbox, "run", lambda *args: pytest.fail("read a file over the cap"))
        row = services.document_extract(attachment_id=attachment.pk)
        assert row is not None
        assert (row.status, row.reason) == (Status.SKIPPED, Reason.TOO_LARGE)

    def test_a_missing_file_fails_with_a_reason(self, attachment):
        attachment.file.storage.delete(attachment.file.name)
        row = services.document_extract(attachment_id=attachment.pk)
        assert row is not None
        assert (row.status, row.reason) == (Status.FAILED, Reason.MISSING)

    def test_a_reader_past_its_time_fails_the_file_and_is_logged(self, attachment, settings, monkeypatch, caplog):
        monkeypatch.setattr(sandbox, "SCRIPT", "/nonexistent/extract.py")
        row = services.document_extract(attachment_id=attachment.pk)
        assert row is not None
        assert (row.status, row.reason) == (Status.FAILED, Reason.CRASHED)
        assert "notes.md" in caplog.text

    def test_an_unpublished_upload_is_not_read(self, employee):
        pending = stream.media_upload(actor=employee, upload=upload("brouillon.txt", b"pas encore"))
        assert services.document_extract(attachment_id=pending.pk) is None


class TestDeletion:
    def test_deleting_the_post_deletes_its_documents_texts(self, employee, drain_outbox):
        post = stream.post_create(actor=employee, body="À supprimer", attachments=[upload("a.txt", b"texte")])
        drain_outbox()
        assert DocumentText.objects.count() == 1
        stream.post_delete(actor=employee, post=post)
        assert not DocumentText.objects.exists()

    def test_removing_a_file_deletes_its_text(self, employee, drain_outbox):
        post = stream.post_create(
            actor=employee, body="Deux fichiers", attachments=[upload("a.txt", b"un"), upload("b.txt", b"deux")]
        )
        drain_outbox()
        first = post.attachments.order_by("pk").first()
        assert first is not None
        stream.post_edit(actor=employee, post=post, body=post.body, remove=[first.pk])
        assert list(DocumentText.objects.values_list("text", flat=True)) == ["deux"]


class TestSelectors:
    def test_extracted_texts_gives_only_texts_that_were_read(self, employee, drain_outbox):
        post = stream.post_create(
            actor=employee,
            body="Trois fichiers",
            attachments=[
                upload("a.csv", b"ville\nLyon"),
                upload("vide.txt", b"  "),
                upload("b.docx", b"abime"),
            ],
        )
        ids = list(post.attachments.order_by("pk").values_list("pk", flat=True))
        assert selectors.extracted_texts(ids) == {}  # pending: nothing yet
        drain_outbox()
        assert selectors.extracted_texts([*ids, 999_999]) == {ids[0]: "ville\nLyon"}
        assert selectors.extracted_texts([]) == {}
        assert list(selectors.extracted_attachment_ids(batch=1)) == [[ids[0]]]


class TestCommand:
    def test_it_reads_files_published_before_extraction_existed(self, employee, drain_outbox):
        post = stream.post_create(actor=employee, body="Ancien", attachments=[upload("ancien.txt", "déjà là".encode())])
        OutboxItem.objects.all().delete()  # as if published before the consumer existed
        out = StringIO()
        call_command("documents_extract", stdout=out)
        assert DocumentText.objects.get(attachment__post=post).text == "déjà là"
        assert "1 done" in out.getvalue()
        call_command("documents_extract", stdout=(again := StringIO()))
        assert "nothing to read" in again.getvalue()

    def test_retry_failed_reads_failed_files_again(self, employee, drain_outbox, monkeypatch):
        stream.post_create(actor=employee, body="Raté", attachments=[upload("x.txt", b"enfin lu")])
        monkeypatch.setattr(sandbox, "SCRIPT", "/nonexistent/extract.py")
        drain_outbox()
        assert DocumentText.objects.get().status == Status.FAILED
        monkeypatch.undo()
        call_command("documents_extract", "--retry-failed", stdout=StringIO())
        assert DocumentText.objects.get().text == "enfin lu"

    def test_enqueue_hands_files_to_the_task_worker(self, employee):
        stream.post_create(actor=employee, body="File", attachments=[upload("y.txt", b"par le worker")])
        OutboxItem.objects.all().delete()
        out = StringIO()
        call_command("documents_extract", "--enqueue", stdout=out)
        assert "1 files handed" in out.getvalue()
        assert DocumentText.objects.get().text == "par le worker"  # the tests' task backend runs at once
