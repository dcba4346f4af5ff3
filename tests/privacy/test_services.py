"""Asking for an archive, getting it, forgetting it; erasing or anonymising an account, surface by surface."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.models import User
from essaim.api.services import personal_token_create
from essaim.audit.models import AuditAction, AuditEntry
from essaim.events.types import AccountErased, Event, PostDeleted
from essaim.notifications.models import Notification
from essaim.people.models import Follow, Profile
from essaim.privacy import services
from essaim.privacy.models import DataExport
from essaim.spaces.models import Membership
from essaim.stream.models import Attachment, Comment, Post, Reaction
from tests.accounts.factories import AdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db: None) -> User:
    return AdminFactory()


class TestDataExport:
    def test_asking_prepares_the_archive_in_the_worker_for_them_alone(
        self, person: User, stranger: User, everything: None, django_capture_on_commit_callbacks: Callable[..., Any]
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            export = services.data_export_request(actor=person)
        export.refresh_from_db()
        assert export.status == DataExport.Status.READY
        assert export.size > 0
        assert len(export.sha256) == 64
        with export.file.open("rb") as stored:
            assert "posts.json" in zipfile.ZipFile(stored).namelist()
        assert services.data_exports_for(actor=person) == [export]
        assert services.data_exports_for(actor=stranger) == []
        assert services.data_export_get_for(actor=person, export_id=export.pk) == export
        with pytest.raises(Http404):
            services.data_export_get_for(actor=stranger, export_id=export.pk)

    def test_one_archive_at_a_time(self, person: User) -> None:
        services.data_export_request(actor=person)
        with pytest.raises(ValidationError, match="already being prepared"):
            services.data_export_request(actor=person)

    def test_an_archive_stuck_for_an_hour_no_longer_blocks_a_new_one(self, person: User) -> None:
        stuck = services.data_export_request(actor=person)
        DataExport.objects.filter(pk=stuck.pk).update(requested_at=timezone.now() - timedelta(hours=2))
        assert services.data_export_request(actor=person).pk != stuck.pk

    def test_a_deactivated_account_asks_for_nothing(self, person: User) -> None:
        person.is_active = False
        with pytest.raises(PermissionDenied):
            services.data_export_request(actor=person)

    def test_the_build_is_idempotent_and_a_pending_archive_is_not_downloadable(self, person: User) -> None:
        export = services.data_export_request(actor=person)
        with pytest.raises(Http404):
            services.data_export_get_for(actor=person, export_id=export.pk)
        services.data_export_build.call(export.pk)
        export.refresh_from_db()
        name = export.file.name
        assert services.data_export_build.call(export.pk) == "nothing to do"
        export.refresh_from_db()
        assert export.file.name == name

    def test_archives_older_than_a_week_are_forgotten_with_their_file(self, person: User) -> None:
        export = services.data_export_request(actor=person)
        services.data_export_build.call(export.pk)
        export.refresh_from_db()
        storage, name = export.file.storage, export.file.name
        DataExport.objects.filter(pk=export.pk).update(requested_at=timezone.now() - timedelta(days=8))
        assert services.data_exports_forget() == 1
        assert not DataExport.objects.exists()
        assert not storage.exists(name)

    def test_the_download_is_the_zip(self, client: Client, person: User) -> None:
        export = services.data_export_request(actor=person)
        services.data_export_build.call(export.pk)
        client.force_login(person)
        response = client.get(reverse("privacy:download", kwargs={"export_id": export.pk}))
        assert response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]


class TestErase:
    @pytest.mark.usefixtures("everything")
    def test_everything_they_wrote_goes_and_the_counts_under_others_posts_are_right(  # noqa: PLR0917 - fixtures
        self,
        admin: User,
        person: User,
        their_post: Post,
        colleagues_post: Post,
        capture_events: list[Event],
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        files = [a.file.name for a in Attachment.objects.all()]
        storage = Attachment.objects.first().file.storage  # type: ignore[union-attr]
        person_id = person.pk
        with django_capture_on_commit_callbacks(execute=True):
            services.account_erase(actor=admin, user=person, keep_content=False)
        assert not User.objects.filter(pk=person_id).exists()
        assert not Post.objects.filter(pk=their_post.pk).exists()
        colleagues_post.refresh_from_db()
        assert (colleagues_post.comment_count, colleagues_post.reaction_counts) == (0, {})
        assert not Comment.objects.filter(author_id=person_id).exists()
        assert not Reaction.objects.filter(user_id=person_id).exists()
        assert not any(storage.exists(name) for name in files)
        assert [type(e) for e in capture_events] == [PostDeleted, AccountErased]
        entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_ERASED)
        assert (entry.target_id, entry.target_label) == (str(person_id), f"Élise Martin (@{person.handle})")

    @pytest.mark.usefixtures("everything")
    def test_their_posts_leave_the_feeds_and_the_api(
        self, client: Client, admin: User, person: User, colleague: User, their_post: Post
    ) -> None:
        services.account_erase(actor=admin, user=person, keep_content=False)
        client.force_login(colleague)
        assert "Compte rendu" not in client.get(reverse("stream:home")).text
        assert "Compte rendu" not in client.get(reverse("spaces:space-detail", kwargs={"slug": "qualite"})).text
        token = personal_token_create(actor=colleague, name="app")[1]
        answer = client.get("/api/v1/timelines/home", headers={"authorization": f"Bearer {token}"})
        assert answer.status_code == 200
        assert "Compte rendu" not in answer.text
        assert client.get(reverse("stream:post-detail", kwargs={"post_id": their_post.pk})).status_code == 404


class TestAnonymise:
    @pytest.mark.usefixtures("everything")
    def test_what_they_wrote_stays_under_a_name_that_says_no_one(
        self,
        admin: User,
        person: User,
        their_post: Post,
        capture_events: list[Event],
        settings: Any,
    ) -> None:
        settings.LANGUAGE_CODE = "fr"
        old_handle = person.handle
        services.account_erase(actor=admin, user=person, keep_content=True)
        person.refresh_from_db()
        assert Post.objects.get(pk=their_post.pk).author_id == person.pk
        assert (person.get_full_name(), person.is_active, person.has_usable_password()) == (
            "Ancien membre",
            False,
            False,
        )
        assert person.email.endswith("@erased.invalid")
        assert "elise" not in person.email
        assert person.handle != old_handle
        assert person.handle.startswith("former-")
        assert [type(e) for e in capture_events] == [AccountErased]
        assert AuditEntry.objects.filter(action=AuditAction.ACCOUNT_ANONYMISED, target_id=str(person.pk)).exists()

    def test_everything_that_said_who_they_were_goes(self, admin: User, person: User, everything: None) -> None:
        profile = Profile.objects.get(user=person)
        profile.job_title, profile.phone, profile.bio = "Responsable qualité", "+33 6 12 34 56 78", "J’aime les audits"
        profile.save()
        token = personal_token_create(actor=person, name="app")[1]
        services.account_erase(actor=admin, user=person, keep_content=True)
        profile.refresh_from_db()
        assert (profile.job_title, profile.phone, profile.bio, profile.photo.name) == ("", "", "", "")
        assert "elise" not in profile.search_key
        assert "martin" not in profile.search_key
        assert not Follow.objects.filter(follower=person).exists()
        assert not Follow.objects.filter(followed=person).exists()
        assert not Membership.objects.filter(user=person).exists()
        assert not Notification.objects.filter(recipient=person).exists()
        answer = Client().get("/api/v1/accounts/verify_credentials", headers={"authorization": f"Bearer {token}"})
        assert answer.status_code == 401

    def test_their_old_profile_address_is_gone_and_their_posts_show_the_new_name(  # noqa: PLR0917 - fixtures
        self, client: Client, admin: User, person: User, colleague: User, their_post: Post, settings: Any
    ) -> None:
        settings.LANGUAGE_CODE = "fr"
        old_handle = person.handle
        services.account_erase(actor=admin, user=person, keep_content=True)
        client.force_login(colleague)
        assert client.get(reverse("people:profile", kwargs={"handle": old_handle})).status_code == 404
        page = client.get(reverse("stream:post-detail", kwargs={"post_id": their_post.pk})).text
        assert "Compte rendu" in page
        assert "Ancien membre" in page
        assert "Élise" not in page


class TestWhoMayErase:
    def test_only_network_administrators_and_never_themselves(self, admin: User, person: User, colleague: User) -> None:
        with pytest.raises(PermissionDenied):
            services.account_erase(actor=colleague, user=person, keep_content=True)
        with pytest.raises(ValidationError, match="your own account"):
            services.account_erase(actor=admin, user=admin, keep_content=False)
        assert User.objects.filter(pk=person.pk).exists()
