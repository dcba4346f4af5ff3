"""Writes of the stream: what is refused, with which message, and what is kept."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone

from essaim.core.pagination import Cursor
from essaim.stream import attachments as attachment_files
from essaim.stream import selectors, services
from essaim.stream.models import (
    Attachment,
    Comment,
    HomeEntry,
    Mention,
    Post,
    PostRevision,
    PostTag,
    Reaction,
    Tag,
    TagFollow,
    Visibility,
)
from tests.accounts.factories import UserFactory
from tests.stream.factories import image_upload


@pytest.fixture
def stored_files(monkeypatch):
    """The names of the files ``post_create`` stored for its attachments, as it stores them."""
    names: list[str] = []
    prepare = attachment_files.prepare

    def spy(**kwargs):
        attachment = prepare(**kwargs)
        names.extend(name for name in (attachment.file.name, attachment.thumbnail.name) if name)
        return attachment

    monkeypatch.setattr(attachment_files, "prepare", spy)
    return names


def _exists(name: str) -> bool:
    return Attachment._meta.get_field("file").storage.exists(name)


class TestPostCreate:
    def test_a_post_with_two_mentions_and_a_tag_costs_a_fixed_number_of_statements(
        self, employee, colleague, django_assert_max_num_queries
    ):
        UserFactory(handle="trois")
        Tag.objects.create(name="Atelier", folded="atelier")
        # The people named; in the transaction (a savepoint in a test): the post, its tag, its
        # mentions, its tag row, its audience and its timeline entries (delivered with it), and
        # the trim of the timelines delivery samples, when the ids make it sample one
        # (``timelines.TRIM_EVERY``).
        with django_assert_max_num_queries(10):
            services.post_create(actor=employee, body="Merci @eloise.dupre et @trois pour #atelier")

    def test_publishes_rendered_markdown_with_mention_and_tag_links(self, employee, colleague, make_post):
        post = make_post(employee, "**Merci** @eloise.dupre pour #Atelier !")
        assert "<strong>Merci</strong>" in post.body_html
        assert 'href="/@eloise.dupre"' in post.body_html
        assert 'href="/tags/atelier/"' in post.body_html
        assert list(Mention.objects.filter(post=post).values_list("user__handle", flat=True)) == ["eloise.dupre"]
        assert PostTag.objects.get(post=post).tag.folded == "atelier"

    def test_ids_are_time_ordered(self, employee, make_post):
        first, second = make_post(employee, "un"), make_post(employee, "deux")
        assert second.pk > first.pk > 2**40

    def test_empty_post_is_refused(self, employee):
        with pytest.raises(ValidationError, match="empty"):
            services.post_create(actor=employee, body="   \n ")

    def test_too_long_post_says_the_limit(self, employee):
        with pytest.raises(ValidationError, match="20000"):
            services.post_create(actor=employee, body="a" * 20_001)
        assert not Post.objects.exists()

    def test_unknown_mention_is_refused_by_name(self, employee):
        with pytest.raises(ValidationError, match="@nobody"):
            services.post_create(actor=employee, body="Salut @nobody")
        assert not Post.objects.exists()

    def test_mention_in_code_is_not_a_mention(self, employee, make_post):
        post = make_post(employee, "Tapez `@nobody` dans le champ")
        assert not post.mentions.exists()

    def test_mentioned_only_post_needs_a_valid_mention(self, employee):
        with pytest.raises(ValidationError, match="mention at least one"):
            services.post_create(actor=employee, body="Secret", visibility=Visibility.MENTIONED)

    def test_unknown_visibility_is_refused(self, employee):
        with pytest.raises(ValidationError):
            services.post_create(actor=employee, body="x", visibility="everyone")

    def test_guest_cannot_post_company_wide(self, guest):
        with pytest.raises(PermissionDenied):
            services.post_create(actor=guest, body="Hello")

    def test_member_posts_in_their_space_but_outsider_cannot(self, employee, member, secret_space, join):
        join(member, secret_space)
        assert services.post_create(actor=member, body="Dans l'espace", space=secret_space).space == secret_space
        with pytest.raises(PermissionDenied):
            services.post_create(actor=employee, body="Intrus", space=secret_space)

    def test_images_are_reencoded_with_a_thumbnail_and_files_kept(self, employee, make_post):
        image = image_upload("photo.jpg", exif=True)
        doc = SimpleUploadedFile("notes.html", b"<script>alert(1)</script>", content_type="text/html")
        post = make_post(employee, "Pièces jointes", attachments=[image, doc])
        picture, file = Attachment.objects.filter(post=post).order_by("is_image")[::-1]
        assert picture.is_image
        assert (picture.width, picture.height) == (800, 600)
        assert picture.thumbnail.name
        assert picture.original_name == "photo.jpg"
        assert b"SecretCam" not in picture.file.open("rb").read()
        assert not file.is_image
        assert file.content_type == "text/html"
        assert file.size == 25
        assert post.attachment_count == Post.objects.get(pk=post.pk).attachment_count == 2

    def test_earlier_uploads_count_among_the_posts_files(self, employee, make_post):
        pending = services.media_upload(actor=employee, upload=image_upload("avant.jpg"))
        post = make_post(employee, "Avec une photo envoyée avant", media=[pending], attachments=[image_upload()])
        assert Post.objects.get(pk=post.pk).attachment_count == 2
        assert make_post(employee, "Sans fichier").attachment_count == 0

    def test_image_description_becomes_the_images_alt_text(self, employee, make_post):
        post = make_post(
            employee, "Équipe", attachments=[image_upload("team.jpg")], image_description="L'équipe au séminaire"
        )
        assert Attachment.objects.get(post=post).alt_text == "L'équipe au séminaire"

    def test_fake_image_is_refused_and_nothing_is_written(self, employee):
        fake = SimpleUploadedFile("evil.png", b"<html>not an image</html>", content_type="image/png")
        with pytest.raises(ValidationError, match=r"evil\.png"):
            services.post_create(actor=employee, body="x", attachments=[fake])
        assert not Post.objects.exists()

    def test_a_refused_file_leaves_no_stored_file_behind(self, employee, stored_files):
        fake = SimpleUploadedFile("evil.png", b"<html>not an image</html>", content_type="image/png")
        with pytest.raises(ValidationError, match=r"evil\.png"):
            services.post_create(actor=employee, body="x", attachments=[image_upload("bon.jpg"), fake])
        assert not Post.objects.exists()
        assert not Attachment.objects.exists()
        assert len(stored_files) == 2  # the good image and its thumbnail, stored then removed
        assert not any(_exists(name) for name in stored_files)

    def test_a_post_that_fails_to_be_written_leaves_no_stored_file_behind(self, employee, monkeypatch, stored_files):

        def fail(post):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(services.timelines, "deliver_if_small", fail)
        with pytest.raises(RuntimeError):
            services.post_create(actor=employee, body="x", attachments=[image_upload("bon.jpg")])
        assert not Post.objects.exists()
        assert len(stored_files) == 2
        assert not any(_exists(name) for name in stored_files)

    def test_images_are_processed_before_the_posts_transaction(self, employee, make_post, monkeypatch):
        """SQLite's one write lock is never held while an image is decoded and re-encoded."""
        depths = []
        clean_image = attachment_files.clean_image

        def spy(*args, **kwargs):
            depths.append(len(connection.atomic_blocks))
            return clean_image(*args, **kwargs)

        monkeypatch.setattr(attachment_files, "clean_image", spy)
        outside = len(connection.atomic_blocks)
        make_post(employee, "Photo", attachments=[image_upload()])
        assert depths == [outside, outside]  # the image and its thumbnail

    def test_too_large_file_is_refused(self, employee, settings):
        settings.UPLOAD_MAX_BYTES = 10
        big = SimpleUploadedFile("big.bin", b"x" * 11, content_type="application/octet-stream")
        with pytest.raises(ValidationError, match="too large"):
            services.post_create(actor=employee, body="x", attachments=[big])

    def test_delivery_fills_home_timelines_of_author_and_followers(self, employee, follower, colleague, make_post):
        post = make_post(employee)
        owners = set(HomeEntry.objects.filter(post=post).values_list("owner_id", flat=True))
        assert owners == {employee.pk, follower.pk}


class TestPostEditAndDelete:
    def test_edit_keeps_the_previous_version_and_marks_edited(self, employee, make_post):
        post = make_post(employee, "Version 1")
        services.post_edit(actor=employee, post=post, body="Version 2")
        post.refresh_from_db()
        assert post.body == "Version 2"
        assert post.edited_at is not None
        assert PostRevision.objects.get(post=post).body == "Version 1"

    def test_only_the_author_edits(self, employee, colleague, network_admin, make_post):
        post = make_post(employee)
        for other in (colleague, network_admin):
            with pytest.raises(PermissionDenied):
                services.post_edit(actor=other, post=post, body="hack")

    def test_author_or_network_admin_deletes_with_everything(self, employee, colleague, network_admin, make_post):
        post = make_post(employee)
        services.comment_create(actor=colleague, post=post, body="Bravo")
        services.reaction_add(actor=colleague, post=post, emoji="🎉")
        with pytest.raises(PermissionDenied):
            services.post_delete(actor=colleague, post=post)
        services.post_delete(actor=network_admin, post=post)
        assert not Post.objects.exists()
        assert not Comment.objects.exists()
        assert not Reaction.objects.exists()
        assert not HomeEntry.objects.exists()

    def test_admin_cannot_delete_what_they_cannot_see(self, member, network_admin, secret_space, join, make_post):
        join(member, secret_space)
        post = make_post(member, space=secret_space)
        with pytest.raises(Http404):
            services.post_delete(actor=network_admin, post=post)


class TestPostEditFiles:
    """An edit adds files and removes the post's own, through the same checks as a new post."""

    def upload(self, name: str = "notes.txt") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, b"Compte rendu", content_type="text/plain")

    def test_an_edit_adds_and_removes_files_and_marks_the_post_edited(self, employee, make_post):
        post = make_post(employee, "Avec fichiers", attachments=[image_upload("a.jpg"), self.upload("b.txt")])
        first, second = post.attachments.order_by("id")
        services.post_edit(
            actor=employee,
            post=post,
            body="Avec fichiers",
            attachments=[image_upload("c.jpg")],
            remove=[first.pk],
            image_description="Le banc d'essai",
        )
        post.refresh_from_db()
        names = sorted(post.attachments.values_list("original_name", flat=True))
        assert names == ["b.txt", "c.jpg"]
        assert post.attachment_count == 2
        assert post.edited_at is not None
        assert post.attachments.get(original_name="c.jpg").alt_text == "Le banc d'essai"
        assert not PostRevision.objects.filter(post=post).exists(), "the text did not change"
        assert second.pk in post.attachments.values_list("pk", flat=True)

    def test_removed_files_leave_the_storage_once_the_edit_commits(
        self, employee, make_post, django_capture_on_commit_callbacks
    ):
        post = make_post(employee, "Photo", attachments=[image_upload()])
        image = post.attachments.get()
        stored = [image.file.name, image.thumbnail.name]
        with django_capture_on_commit_callbacks(execute=True):
            services.post_edit(actor=employee, post=post, body="Photo", remove=[image.pk])
        assert not Attachment.objects.filter(pk=image.pk).exists()
        assert not any(_exists(name) for name in stored)

    def test_a_file_of_another_post_cannot_be_removed_through_this_one(self, employee, make_post):
        post = make_post(employee, "Le mien")
        other = make_post(employee, "L'autre", attachments=[self.upload()])
        with pytest.raises(ValidationError) as refused:
            services.post_edit(actor=employee, post=post, body="Le mien", remove=[other.attachments.get().pk])
        assert "not this post's" in str(refused.value)
        assert other.attachments.exists()

    def test_only_the_author_changes_the_files(self, employee, colleague, network_admin, make_post):
        post = make_post(employee, "À moi", attachments=[self.upload()])
        for other in (colleague, network_admin):
            with pytest.raises(PermissionDenied):
                services.post_edit(actor=other, post=post, body="À moi", remove=[post.attachments.get().pk])
            with pytest.raises(PermissionDenied):
                services.post_edit(actor=other, post=post, body="À moi", attachments=[self.upload()])
        assert post.attachments.count() == 1

    def test_the_limit_counts_the_files_kept_added_and_removed(self, employee, make_post):
        post = make_post(employee, "Plein", attachments=[self.upload(f"{n}.txt") for n in range(10)])
        with pytest.raises(ValidationError) as refused:
            services.post_edit(actor=employee, post=post, body="Plein", attachments=[self.upload()])
        assert "at most 10" in str(refused.value)
        first = post.attachments.order_by("id").first()
        services.post_edit(actor=employee, post=post, body="Plein", attachments=[self.upload()], remove=[first.pk])
        assert post.attachments.count() == 10

    def test_a_refused_new_file_changes_nothing_and_stores_nothing(self, employee, make_post, stored_files):
        post = make_post(employee, "Avant", attachments=[self.upload()])
        stored_files.clear()
        fake = SimpleUploadedFile("photo.png", b"<html>not an image</html>", content_type="image/png")
        with pytest.raises(ValidationError):
            services.post_edit(
                actor=employee, post=post, body="Après", attachments=[self.upload("ok.txt"), fake],
                remove=[post.attachments.get().pk],
            )  # fmt: skip
        post.refresh_from_db()
        assert post.body == "Avant"
        assert post.attachments.count() == 1
        assert stored_files
        assert not any(_exists(name) for name in stored_files)

    def test_nothing_changed_is_not_an_edit(self, employee, make_post):
        post = make_post(employee, "Pareil")
        services.post_edit(actor=employee, post=post, body="Pareil")
        post.refresh_from_db()
        assert post.edited_at is None


class TestKeptUploads:
    """Files of a refused post wait as their author's pending uploads; "Remove" deletes one."""

    def test_the_uploader_discards_a_pending_upload_and_its_files(self, employee, django_capture_on_commit_callbacks):
        pending = services.media_upload(actor=employee, upload=image_upload())
        stored = [pending.file.name, pending.thumbnail.name]
        with django_capture_on_commit_callbacks(execute=True):
            services.media_discard(actor=employee, attachment=pending)
        assert not Attachment.objects.filter(pk=pending.pk).exists()
        assert not any(_exists(name) for name in stored)

    def test_nobody_else_discards_it(self, employee, colleague, network_admin):
        pending = services.media_upload(actor=employee, upload=image_upload())
        for other in (colleague, network_admin):
            with pytest.raises((PermissionDenied, Http404)):
                services.media_discard(actor=other, attachment=pending)
        assert Attachment.objects.filter(pk=pending.pk).exists()

    def test_a_posts_file_is_not_discarded_this_way(self, employee, make_post):
        post = make_post(employee, "Photo", attachments=[image_upload()])
        with pytest.raises(ValidationError):
            services.media_discard(actor=employee, attachment=post.attachments.get())

    def test_a_new_description_describes_the_kept_images_too(self, employee, make_post):
        pending = services.media_upload(actor=employee, upload=image_upload(), description="")
        post = make_post(employee, "Enfin", media=[pending], image_description="Le logo d'Atlas")
        assert post.attachments.get().alt_text == "Le logo d'Atlas"


class TestComments:
    def test_comment_and_reply_count_and_stay_two_levels(self, employee, colleague, make_post):
        post = make_post(employee)
        top = services.comment_create(actor=colleague, post=post, body="Top")
        reply = services.comment_create(actor=employee, post=post, body="Reply", parent=top)
        deeper = services.comment_create(actor=colleague, post=post, body="Deeper", parent=reply)
        assert reply.parent == top
        assert deeper.parent == top
        post.refresh_from_db()
        assert post.comment_count == 3

    def test_comment_on_invisible_post_is_404(self, employee, guest, make_post):
        post = make_post(employee)
        with pytest.raises(Http404):
            services.comment_create(actor=guest, post=post, body="Hello")

    def test_empty_comment_is_refused(self, employee, make_post):
        post = make_post(employee)
        with pytest.raises(ValidationError):
            services.comment_create(actor=employee, post=post, body=" ")

    def test_edit_and_delete_own_comment(self, employee, colleague, make_post):
        post = make_post(employee)
        comment = services.comment_create(actor=colleague, post=post, body="Typo")
        services.comment_edit(actor=colleague, comment=comment, body="Fixed")
        assert Comment.objects.get().edited_at is not None
        with pytest.raises(PermissionDenied):
            services.comment_edit(actor=employee, comment=comment, body="no")
        services.comment_delete(actor=employee, comment=comment)  # the post's author may tidy their thread
        post.refresh_from_db()
        assert post.comment_count == 0


class TestCommentFiles:
    """A comment takes files as a post does: the same checks, the same limit, all or nothing."""

    def test_a_comment_keeps_its_image_reencoded_with_a_thumbnail_and_its_file(self, employee, colleague, make_post):
        post = make_post(employee)
        image = image_upload("tableau.jpg", exif=True)
        doc = SimpleUploadedFile("notes.pdf", b"%PDF-1.4 notes", content_type="application/pdf")
        comment = services.comment_create(
            actor=colleague, post=post, body="Mes notes", attachments=[image, doc], image_description="Le tableau"
        )
        picture, file = sorted(comment.attachments.all(), key=lambda a: not a.is_image)
        assert (picture.is_image, picture.alt_text, bool(picture.thumbnail.name)) == (True, "Le tableau", True)
        assert b"SecretCam" not in picture.file.open("rb").read()
        assert (file.original_name, file.is_image, file.size) == ("notes.pdf", False, 14)
        assert {a.post_id for a in (picture, file)} == {post.pk}, "a comment's file belongs to its post too"
        assert Comment.objects.get(pk=comment.pk).attachment_count == 2

    def test_a_comments_files_are_not_the_posts_own(self, employee, colleague, make_post):
        post = make_post(employee, attachments=[image_upload("affiche.jpg")])
        services.comment_create(actor=colleague, post=post, body="Et la mienne", attachments=[image_upload("moi.jpg")])
        post.refresh_from_db()
        assert post.attachment_count == 1
        assert [a.original_name for a in selectors.attachment_list_for(actor=employee, post=post)] == ["affiche.jpg"]
        [hydrated] = selectors.hydrate(actor=employee, posts=[post])
        assert [a.original_name for a in hydrated.images] == ["affiche.jpg"]

    def test_a_reply_takes_files_too(self, employee, colleague, make_post):
        post = make_post(employee)
        top = services.comment_create(actor=colleague, post=post, body="Top")
        reply = services.comment_create(
            actor=employee, post=post, body="Voilà", parent=top, attachments=[image_upload()]
        )
        assert reply.attachments.count() == 1

    def test_earlier_uploads_are_taken_by_the_comment(self, employee, colleague, make_post):
        post = make_post(employee)
        pending = services.media_upload(actor=colleague, upload=image_upload("avant.jpg"))
        comment = services.comment_create(actor=colleague, post=post, body="Avec", media=[pending])
        pending.refresh_from_db()
        assert (pending.post_id, pending.comment_id) == (post.pk, comment.pk)
        assert comment.attachment_count == 1

    def test_someone_elses_upload_is_refused(self, employee, colleague, make_post):
        post = make_post(employee)
        theirs = services.media_upload(actor=employee, upload=image_upload())
        with pytest.raises(ValidationError, match="pending uploads"):
            services.comment_create(actor=colleague, post=post, body="Avec", media=[theirs])

    def test_a_fake_image_is_refused_by_name_and_nothing_is_written(self, employee, colleague, make_post, stored_files):
        post = make_post(employee)
        fake = SimpleUploadedFile("evil.png", b"<html>not an image</html>", content_type="image/png")
        with pytest.raises(ValidationError, match=r"evil\.png"):
            services.comment_create(actor=colleague, post=post, body="x", attachments=[image_upload("bon.jpg"), fake])
        assert not Comment.objects.exists()
        assert not Attachment.objects.exclude(post=post, comment=None).exists()
        assert len(stored_files) == 2  # the good image and its thumbnail, stored then removed
        assert not any(_exists(name) for name in stored_files)
        post.refresh_from_db()
        assert post.comment_count == 0

    def test_too_large_file_is_refused(self, employee, colleague, make_post, settings):
        post = make_post(employee)
        settings.UPLOAD_MAX_BYTES = 10
        big = SimpleUploadedFile("big.bin", b"x" * 11, content_type="application/octet-stream")
        with pytest.raises(ValidationError, match="too large"):
            services.comment_create(actor=colleague, post=post, body="x", attachments=[big])
        assert not Comment.objects.exists()

    def test_at_most_as_many_files_as_a_post(self, employee, colleague, make_post):
        post = make_post(employee)
        files = [SimpleUploadedFile(f"{i}.txt", b"x") for i in range(services.MAX_ATTACHMENTS + 1)]
        with pytest.raises(ValidationError, match=f"at most {services.MAX_ATTACHMENTS} files to one comment"):
            services.comment_create(actor=colleague, post=post, body="x", attachments=files)

    def test_files_alone_make_no_comment_as_they_make_no_post(self, employee, colleague, make_post):
        post = make_post(employee)
        with pytest.raises(ValidationError, match="empty"):
            services.comment_create(actor=colleague, post=post, body=" ", attachments=[image_upload()])
        assert not Attachment.objects.exists()

    def test_a_comment_that_fails_to_be_written_leaves_no_stored_file_behind(
        self, employee, colleague, make_post, monkeypatch, stored_files
    ):
        post = make_post(employee)

        def fail(post):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(services, "_refresh_comment_count", fail)
        with pytest.raises(RuntimeError):
            services.comment_create(actor=colleague, post=post, body="x", attachments=[image_upload()])
        assert not Comment.objects.exists()
        assert len(stored_files) == 2
        assert not any(_exists(name) for name in stored_files)

    def test_deleting_a_comment_deletes_its_files_and_its_replies_files_from_the_storage(
        self, employee, colleague, make_post, django_capture_on_commit_callbacks
    ):
        post = make_post(employee)
        top = services.comment_create(actor=colleague, post=post, body="Top", attachments=[image_upload()])
        reply = services.comment_create(
            actor=employee, post=post, body="Re", parent=top, attachments=[SimpleUploadedFile("r.txt", b"r")]
        )
        names = [n for a in Attachment.objects.filter(post=post) for n in (a.file.name, a.thumbnail.name) if n]
        assert len(names) == 3
        assert all(_exists(n) for n in names)
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_delete(actor=colleague, comment=top)
        assert not Comment.objects.filter(pk__in=[top.pk, reply.pk]).exists()
        assert not Attachment.objects.exists()
        assert not any(_exists(n) for n in names)

    def test_deleting_the_post_deletes_its_comments_files_from_the_storage(
        self, employee, colleague, make_post, django_capture_on_commit_callbacks
    ):
        post = make_post(employee)
        services.comment_create(actor=colleague, post=post, body="Top", attachments=[image_upload()])
        names = [n for a in Attachment.objects.all() for n in (a.file.name, a.thumbnail.name) if n]
        with django_capture_on_commit_callbacks(execute=True):
            services.post_delete(actor=employee, post=post)
        assert not Attachment.objects.exists()
        assert names
        assert not any(_exists(n) for n in names)

    def test_a_comments_file_cannot_be_removed_through_the_post(self, employee, colleague, make_post):
        post = make_post(employee)
        comment = services.comment_create(actor=colleague, post=post, body="x", attachments=[image_upload()])
        with pytest.raises(ValidationError, match="not this post's"):
            services.post_edit(actor=employee, post=post, body=post.body, remove=[comment.attachments.get().pk])
        assert comment.attachments.count() == 1

    def test_a_comments_files_do_not_count_among_the_posts(self, employee, colleague, make_post):
        post = make_post(employee)
        for _ in range(services.MAX_ATTACHMENTS):
            services.comment_create(
                actor=colleague, post=post, body="x", attachments=[SimpleUploadedFile("c.txt", b"c")]
            )
        services.post_edit(actor=employee, post=post, body=post.body, attachments=[image_upload()])
        assert Post.objects.get(pk=post.pk).attachment_count == 1

    def test_a_comment_without_files_costs_no_statement_more(
        self, employee, colleague, make_post, django_assert_num_queries
    ):
        """The files' path asks nothing when there are none: the checks of the new comment's keys (post,
        author, its id), then in the savepoint: the comment, the post's count and its update, the event."""
        post = make_post(employee)
        with django_assert_num_queries(9):
            services.comment_create(actor=colleague, post=post, body="Sans fichier")


class TestReactions:
    def test_add_is_idempotent_and_counts(self, employee, colleague, make_post):
        post = make_post(employee)
        assert services.reaction_add(actor=colleague, post=post, emoji="👍")
        assert not services.reaction_add(actor=colleague, post=post, emoji="👍")
        services.reaction_add(actor=employee, post=post, emoji="👍")
        services.reaction_add(actor=employee, post=post, emoji="❤️")
        post.refresh_from_db()
        assert post.reaction_counts == {"👍": 2, "❤️": 1}
        assert services.reaction_remove(actor=employee, post=post, emoji="👍")
        assert not services.reaction_remove(actor=employee, post=post, emoji="👍")
        post.refresh_from_db()
        assert post.reaction_counts == {"👍": 1, "❤️": 1}

    def test_reaction_outside_the_set_is_refused(self, employee, make_post):
        post = make_post(employee)
        with pytest.raises(ValidationError, match="Choose one"):
            services.reaction_add(actor=employee, post=post, emoji="💩")


@pytest.mark.skipif(not connection.features.has_select_for_update, reason="SQLite's writers take turns already")
@pytest.mark.django_db(transaction=True)
def test_reactions_made_side_by_side_are_all_counted(employee, make_post):
    post = make_post(employee)
    fans = [UserFactory(handle=f"fan.{n}") for n in range(2)]
    both_in = threading.Barrier(2)

    def react(fan):
        try:
            with transaction.atomic():
                both_in.wait(5)
                services.reaction_add(actor=fan, post=Post.objects.get(pk=post.pk), emoji="👍")
                time.sleep(0.3)  # the other reacts meanwhile, its own transaction open too
        finally:
            connection.close()

    threads = [threading.Thread(target=react, args=(fan,)) for fan in fans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    post.refresh_from_db()
    assert post.reaction_counts == {"👍": 2}


class TestTagsAndAnnouncements:
    def test_following_a_tag_brings_its_posts_home_at_once_and_unfollowing_takes_them_away(
        self, employee, colleague, make_post, django_capture_on_commit_callbacks
    ):
        post = make_post(colleague, "Sortie #velo")
        tag = post.post_tags.get().tag
        with django_capture_on_commit_callbacks() as callbacks:  # nothing to rebuild: the feed reads the tag
            services.tag_follow(actor=employee, tag=tag)
        assert callbacks == []
        assert post in selectors.feed_home(actor=employee, cursor=Cursor())[1].items
        assert not HomeEntry.objects.filter(owner=employee, post=post).exists()
        services.tag_unfollow(actor=employee, tag=tag)
        assert not TagFollow.objects.exists()
        assert post not in selectors.feed_home(actor=employee, cursor=Cursor())[1].items

    def test_guest_cannot_follow_tags(self, guest):
        with pytest.raises(PermissionDenied):
            services.tag_follow(actor=guest, tag=services.tag_get_or_create(name="#velo"))

    def test_communication_team_pins_and_unpins(self, employee, communication, make_post):
        post = make_post(employee)
        services.announcement_set(actor=communication, post=post, expires_at=timezone.now() + timedelta(days=3))
        assert post.is_active_announcement
        services.announcement_clear(actor=communication, post=post)
        assert not Post.objects.get().is_announcement

    def test_plain_employee_cannot_announce(self, employee, colleague, make_post):
        post = make_post(employee)
        with pytest.raises(PermissionDenied):
            services.announcement_set(actor=colleague, post=post, expires_at=timezone.now() + timedelta(days=1))

    def test_expiry_must_be_in_the_future(self, employee, network_admin, make_post):
        post = make_post(employee)
        with pytest.raises(ValidationError, match="future"):
            services.announcement_set(actor=network_admin, post=post, expires_at=timezone.now() - timedelta(days=1))
