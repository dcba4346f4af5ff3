"""Legal holds on a frozen clock: placed and released with a reason, audited; what they cover disappears for
people when deleted, but is kept with every earlier version; a held space or person cannot be deleted."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.audit.models import AuditAction, AuditEntry
from essaim.compliance import services
from essaim.compliance.models import LegalHold, PreservedContent
from essaim.events.types import PostDeleted
from essaim.privacy import services as privacy
from essaim.spaces import services as spaces
from essaim.spaces.models import Space
from essaim.stream import services as stream
from essaim.stream.models import Post, attachment_storage
from tests.accounts.factories import UserFactory
from tests.spaces.factories import MembershipFactory

pytestmark = pytest.mark.django_db


class TestPlacing:
    def test_a_compliance_officer_places_and_releases_a_hold_with_its_reason_in_the_audit_log(
        self, frozen: datetime, officer: User, employee: User
    ) -> None:
        hold = services.legal_hold_place(actor=officer, user=employee, reason="Affaire prud’homale 2026-14")
        assert (hold.placed_at, hold.placed_by_id, hold.released_at) == (frozen, officer.pk, None)
        services.legal_hold_release(actor=officer, hold=hold)
        hold.refresh_from_db()
        assert hold.released_at == frozen
        entries = AuditEntry.objects.filter(target_type="compliance.legalhold").order_by("id")
        assert [(e.action, e.actor_id) for e in entries] == [
            (AuditAction.LEGAL_HOLD_PLACED, officer.pk),
            (AuditAction.LEGAL_HOLD_RELEASED, officer.pk),
        ]
        assert entries[0].details == {"reason": "Affaire prud’homale 2026-14"}
        assert "Léa Martin" in entries[0].target_label

    def test_network_administrators_may_too_and_employees_may_not(
        self, network_admin: User, employee: User, colleague: User
    ) -> None:
        services.legal_hold_place(actor=network_admin, user=colleague, reason="Enquête")
        with pytest.raises(PermissionDenied):
            services.legal_hold_place(actor=employee, user=colleague, reason="Enquête")

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_a_hold_needs_a_reason(self, officer: User, employee: User, reason: str) -> None:
        with pytest.raises(ValidationError) as refused:
            services.legal_hold_place(actor=officer, user=employee, reason=reason)
        assert "reason" in refused.value.message_dict
        assert not LegalHold.objects.exists()

    def test_one_active_hold_per_person_and_a_released_one_is_not_released_twice(
        self, officer: User, employee: User
    ) -> None:
        hold = services.legal_hold_place(actor=officer, user=employee, reason="Affaire A")
        with pytest.raises(ValidationError):
            services.legal_hold_place(actor=officer, user=employee, reason="Affaire B")
        services.legal_hold_release(actor=officer, hold=hold)
        with pytest.raises(ValidationError):
            services.legal_hold_release(actor=officer, hold=hold)
        services.legal_hold_place(actor=officer, user=employee, reason="Affaire B")

    def test_neither_or_both_subjects_are_refused(self, officer: User, employee: User, secret_space: Space) -> None:
        for subject in ({}, {"user": employee, "space": secret_space}):
            with pytest.raises(ValidationError):
                services.legal_hold_place(actor=officer, reason="Affaire", **subject)


class TestDeletionUnderHold:
    def test_an_author_deleting_a_held_post_removes_it_for_everyone_and_compliance_keeps_it_whole(
        self, frozen: datetime, officer: User, employee: User, colleague: User, capture_events: list
    ) -> None:
        post = stream.post_create(
            actor=employee,
            body="Première version",
            attachments=[SimpleUploadedFile("devis.txt", b"12 000 EUR", content_type="text/plain")],
        )
        stream.post_edit(actor=employee, post=post, body="Version corrigée")
        stream.comment_create(actor=colleague, post=post, body="Vu")
        stream.reaction_add(actor=colleague, post=post, emoji="👍")
        services.legal_hold_place(actor=officer, user=employee, reason="Affaire 2026-14")
        post_id = post.pk
        stream.post_delete(actor=employee, post=post)
        assert not Post.objects.filter(pk=post_id).exists(), "gone for everyone, as without a hold"
        assert [e.post_id for e in capture_events if isinstance(e, PostDeleted)] == [post_id]
        kept = PreservedContent.objects.get(original_id=post_id)
        assert (kept.kind, kept.why, kept.body, kept.by_id, kept.preserved_at) == (
            "post", "deleted", "Version corrigée", employee.pk, frozen
        )  # fmt: skip
        assert [v["body"] for v in kept.data["earlier_versions"]] == ["Première version"]
        assert [c["body"] for c in kept.data["comments"]] == ["Vu"]
        assert kept.data["reactions"] == [{"by": colleague.handle, "reaction": "👍"}]
        (file,) = kept.data["files"]
        with attachment_storage().open(file["stored"]) as stored:
            assert stored.read() == b"12 000 EUR", "the file outlives the post's own copy"

    def test_without_a_hold_nothing_is_kept(self, officer: User, employee: User, colleague: User) -> None:
        services.legal_hold_place(actor=officer, user=colleague, reason="Une autre affaire")
        post = stream.post_create(actor=employee, body="Rien à garder")
        stream.post_delete(actor=employee, post=post)
        assert not PreservedContent.objects.exists()

    def test_a_moderator_deleting_a_post_in_a_held_space_keeps_it_too(
        self, officer: User, secret_space: Space, writer: User
    ) -> None:
        moderator = MembershipFactory(space=secret_space, role="moderator").user
        post = stream.post_create(actor=writer, body="Orion, budget", space=secret_space)
        services.legal_hold_place(actor=officer, space=secret_space, reason="Audit interne")
        post_id = post.pk
        stream.post_delete(actor=moderator, post=post)
        kept = PreservedContent.objects.get()
        assert (kept.original_id, kept.space_id, kept.by_id) == (post_id, secret_space.pk, moderator.pk)

    def test_a_held_persons_comment_keeps_every_earlier_text_and_its_deletion(
        self, frozen: datetime, officer: User, employee: User, colleague: User
    ) -> None:
        post = stream.post_create(actor=colleague, body="Sujet")
        comment = stream.comment_create(actor=employee, post=post, body="Premier jet")
        services.legal_hold_place(actor=officer, user=employee, reason="Affaire")
        stream.comment_edit(actor=employee, comment=comment, body="Deuxième jet")
        stream.comment_edit(actor=employee, comment=comment, body="Troisième jet")
        comment_id = comment.pk
        stream.comment_delete(actor=employee, comment=comment)
        kept = PreservedContent.objects.filter(original_id=comment_id).order_by("id")
        assert [(k.kind, k.body) for k in kept] == [
            ("comment_version", "Premier jet"),
            ("comment_version", "Deuxième jet"),
            ("comment", "Troisième jet"),
        ]

    def test_a_held_space_cannot_be_deleted_and_a_held_person_cannot_be_erased(
        self, officer: User, network_admin: User, secret_space: Space, writer: User
    ) -> None:
        services.legal_hold_place(actor=officer, space=secret_space, reason="Audit interne")
        with pytest.raises(ValidationError, match="legal hold"):
            spaces.space_delete(actor=network_admin, space=secret_space)
        stream.post_create(actor=writer, body="Dans Orion", space=secret_space)
        with pytest.raises(ValidationError, match="legal hold"):
            privacy.account_erase(actor=network_admin, user=writer, keep_content=False)
        privacy.account_erase(actor=network_admin, user=writer, keep_content=True)  # anonymised: the posts stay
        assert Post.objects.filter(space=secret_space).count() == 1
        person = UserFactory()
        services.legal_hold_place(actor=officer, user=person, reason="Affaire")
        for keep in (True, False):
            with pytest.raises(ValidationError, match="legal hold"):
                privacy.account_erase(actor=network_admin, user=person, keep_content=keep)

    def test_the_officer_reads_a_secret_space_only_through_exports(self, officer: User, secret_space: Space) -> None:
        assert not access.can(officer, Action.VIEW, secret_space)
        assert access.can(officer, Action.EXPORT_COMPLIANCE)
