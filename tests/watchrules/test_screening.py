"""The rules applied where people write: posts, comments, edits (pages, services and the API), and attached
files' text once the worker has read it. Warn asks first, hold keeps the post back, report publishes and flags."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from essaim.accounts.models import User
from essaim.api.services import personal_token_create
from essaim.events.types import Event, PostCreated
from essaim.spaces.models import Space
from essaim.stream import services as stream
from essaim.stream.models import Comment, Post
from essaim.watchrules import screening
from essaim.watchrules.models import WatchHit, WatchRule
from tests.accounts.factories import UserFactory
from tests.watchrules.conftest import VALID_IBAN

pytestmark = pytest.mark.django_db


class TestWarn:
    def test_a_post_is_refused_until_its_author_confirms(
        self, make_rule: Callable[..., WatchRule], author: User
    ) -> None:
        make_rule()
        with pytest.raises(screening.WatchWarning) as caught:
            stream.post_create(actor=author, body="Contrat signé avec ACME")
        assert [hit.name for hit in caught.value.hits] == ["Clients"]
        assert "publish anyway" in caught.value.message_dict["body"][0]
        assert not Post.objects.exists()
        post = stream.post_create(actor=author, body="Contrat signé avec ACME", confirm_watch=True)
        assert not post.awaiting_approval
        assert not WatchHit.objects.exists()  # a warning heeded or overruled is the author's call

    def test_comments_and_edits_are_warned_too(self, make_rule: Callable[..., WatchRule], author: User) -> None:
        post = stream.post_create(actor=author, body="Bonjour")
        make_rule()
        with pytest.raises(screening.WatchWarning):
            stream.comment_create(actor=author, post=post, body="Acme ?")
        with pytest.raises(screening.WatchWarning):
            stream.post_edit(actor=author, post=post, body="Bonjour Acme")
        comment = stream.comment_create(actor=author, post=post, body="Bonjour")
        with pytest.raises(screening.WatchWarning):
            stream.comment_edit(actor=author, comment=comment, body="Acme")
        assert stream.comment_edit(actor=author, comment=comment, body="Acme", confirm_watch=True).body == "Acme"

    def test_an_edit_that_keeps_the_text_is_not_asked_again(
        self, make_rule: Callable[..., WatchRule], author: User
    ) -> None:
        post = stream.post_create(actor=author, body="Acme")
        make_rule()
        files = [SimpleUploadedFile("notes.txt", b"rien", content_type="text/plain")]
        assert stream.post_edit(actor=author, post=post, body="Acme", attachments=files).attachment_count == 1

    def test_the_composer_shows_the_warning_and_publish_anyway(
        self, client: Client, make_rule: Callable[..., WatchRule], author: User
    ) -> None:
        make_rule()
        client.force_login(author)
        page = client.post(reverse("stream:post-create"), {"body": "Réunion Acme", "visibility": "company"})
        assert page.status_code == 400
        assert "This looks confidential" in page.text
        assert "À propos de Clients" in page.text
        assert 'name="confirm_watch" value="1"' in page.text
        assert "Réunion Acme" in page.text  # what was typed comes back
        confirmed = {"body": "Réunion Acme", "visibility": "company", "confirm_watch": "1"}
        assert client.post(reverse("stream:post-create"), confirmed).status_code == 302
        assert Post.objects.get().body == "Réunion Acme"

    def test_the_api_answers_422_unless_confirm_watch(
        self, client: Client, make_rule: Callable[..., WatchRule], author: User
    ) -> None:
        make_rule()
        token = personal_token_create(actor=author, name="app")[1]
        headers = {"authorization": f"Bearer {token}"}
        refused = client.post("/api/v1/statuses", {"status": "Acme"}, content_type="application/json", headers=headers)
        assert refused.status_code == 422
        assert "confirm_watch=true" in refused.json()["error_description"]
        body = {"status": "Acme", "confirm_watch": True}
        published = client.post("/api/v1/statuses", body, content_type="application/json", headers=headers)
        assert published.status_code == 200
        edit = client.put(
            f"/api/v1/statuses/{published.json()['id']}",
            {"status": "Acme !"},
            content_type="application/json",
            headers=headers,
        )
        assert edit.status_code == 422


class TestHold:
    def test_a_post_waits_hidden_and_said_to_nobody(
        self, make_rule: Callable[..., WatchRule], author: User, space: Space, capture_events: list[Event]
    ) -> None:
        make_rule(kind="iban", terms="", action="hold", name="IBAN")
        post = stream.post_create(actor=author, body=f"Payez sur {VALID_IBAN}", space=space)
        assert post.awaiting_approval
        assert post.hidden_at is not None
        assert not [e for e in capture_events if isinstance(e, PostCreated)]
        hit = WatchHit.objects.get()
        assert (hit.action, hit.source, hit.post, hit.author, hit.published_before) == (
            "hold",
            "post",
            post,
            author,
            False,
        )
        assert "3000" not in hit.excerpt  # the number is masked in the queue

    def test_its_author_sees_it_waiting_others_see_nothing(
        self, client: Client, make_rule: Callable[..., WatchRule], author: User, space: Space
    ) -> None:
        make_rule(terms="Orion", action="hold")
        post = stream.post_create(actor=author, body="Orion avance")
        client.force_login(author)
        assert "Waiting for approval" in client.get(post.get_absolute_url()).text
        client.force_login(UserFactory())
        assert client.get(post.get_absolute_url()).status_code == 404

    def test_an_edit_hides_a_published_post_until_compliance_decides(
        self, make_rule: Callable[..., WatchRule], author: User
    ) -> None:
        post = stream.post_create(actor=author, body="Bonjour")
        make_rule(terms="Orion", action="hold")
        stream.post_edit(actor=author, post=post, body="Bonjour Orion")
        post.refresh_from_db()
        assert post.awaiting_approval
        assert post.hidden_at is not None
        hit = WatchHit.objects.get()
        assert (hit.source, hit.published_before) == ("post_edit", True)

    def test_a_comment_cannot_wait_so_it_is_refused_and_compliance_told(
        self, make_rule: Callable[..., WatchRule], author: User
    ) -> None:
        post = stream.post_create(actor=author, body="Bonjour")
        make_rule(terms="Orion", action="hold", name="Projets")
        with pytest.raises(ValidationError, match="cannot be published") as caught:
            stream.comment_create(actor=author, post=post, body="Et Orion ?")
        assert caught.value.error_dict["body"][0].code == screening.HELD_CODE
        assert not Comment.objects.exists()
        hit = WatchHit.objects.get()
        assert (hit.action, hit.source, hit.post, hit.comment) == ("report", "comment", post, None)

    def test_confirming_does_not_overrule_a_hold(self, make_rule: Callable[..., WatchRule], author: User) -> None:
        make_rule(terms="Orion", action="hold")
        assert stream.post_create(actor=author, body="Orion", confirm_watch=True).awaiting_approval


class TestReport:
    def test_published_and_flagged_with_the_rule_and_an_excerpt(
        self, make_rule: Callable[..., WatchRule], author: User, capture_events: list[Event]
    ) -> None:
        make_rule(action="report")
        post = stream.post_create(actor=author, body="Le devis d'Acme est arrivé ce matin")
        assert not post.awaiting_approval
        assert [type(e) for e in capture_events] == [PostCreated]
        hit = WatchHit.objects.get()
        assert (hit.action, hit.rule_name, hit.excerpt) == (
            "report",
            "Clients",
            "Le devis d'[Acme] est arrivé ce matin",
        )

    def test_comments_and_their_edits(self, make_rule: Callable[..., WatchRule], author: User) -> None:
        post = stream.post_create(actor=author, body="Bonjour")
        make_rule(action="report")
        comment = stream.comment_create(actor=author, post=post, body="Acme")
        stream.comment_edit(actor=author, comment=comment, body="Acme encore")
        assert list(WatchHit.objects.order_by("id").values_list("source", "comment_id")) == [
            ("comment", comment.pk),
            ("comment_edit", comment.pk),
        ]

    def test_several_rules_one_text(self, make_rule: Callable[..., WatchRule], author: User) -> None:
        make_rule(action="report")
        make_rule(name="Cartes", kind="card", terms="", action="report")
        stream.post_create(actor=author, body="Acme paie avec 4111 1111 1111 1111")
        assert set(WatchHit.objects.values_list("rule_name", flat=True)) == {"Clients", "Cartes"}


class TestAttachments:
    def upload(self, text: str) -> SimpleUploadedFile:
        return SimpleUploadedFile("notes.txt", text.encode(), content_type="text/plain")

    def test_a_file_s_text_is_reported_once_read(
        self, make_rule: Callable[..., WatchRule], author: User, drain_outbox: Callable[[], int]
    ) -> None:
        make_rule(action="report")
        post = stream.post_create(actor=author, body="Le compte rendu", attachments=[self.upload("Client : Acme")])
        assert not WatchHit.objects.exists()
        drain_outbox()
        hit = WatchHit.objects.get()
        assert (hit.source, hit.post_id, hit.attachment_id) == ("attachment", post.pk, post.attachments.get().pk)

    def test_a_hold_hides_the_post_after_the_fact_and_a_warning_cannot_be_given(
        self, make_rule: Callable[..., WatchRule], author: User, drain_outbox: Callable[[], int]
    ) -> None:
        make_rule(terms="Orion", action="hold")
        make_rule(name="Clients", action="warn")
        post = stream.post_create(actor=author, body="Le compte rendu", attachments=[self.upload("Orion, Acme")])
        drain_outbox()
        post.refresh_from_db()
        assert post.awaiting_approval
        assert post.hidden_at is not None
        assert list(WatchHit.objects.values_list("action", "published_before")) == [("hold", True)]

    def test_a_comment_s_file_is_reported_not_held(
        self, make_rule: Callable[..., WatchRule], author: User, drain_outbox: Callable[[], int]
    ) -> None:
        post = stream.post_create(actor=author, body="Bonjour")
        make_rule(terms="Orion", action="hold")
        stream.comment_create(actor=author, post=post, body="Le fichier", attachments=[self.upload("Orion")])
        drain_outbox()
        post.refresh_from_db()
        assert not post.awaiting_approval
        assert list(WatchHit.objects.values_list("action", "source")) == [("report", "attachment")]


class TestCost:
    def test_no_rule_costs_no_query(self, author: User) -> None:
        stream.post_create(actor=author, body="Premier")
        with CaptureQueriesContext(connection) as with_screening:
            stream.post_create(actor=author, body="Deuxième")
        assert not [q for q in with_screening.captured_queries if "watchrules" in q["sql"]]

    def test_rules_are_compiled_once_until_one_changes(self, make_rule: Callable[..., WatchRule], author: User) -> None:
        make_rule(action="report")
        first = screening.matcher()
        assert screening.matcher() is first
        make_rule(name="Autre", terms="Globex")
        assert screening.matcher() is not first
        assert len(screening.matcher()) == 2
