"""Stream pages: wiring, status codes, fragments, bad input and query counts."""

from __future__ import annotations

from datetime import timedelta
from html import unescape
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from essaim.stream import services
from essaim.stream.models import Attachment, Post, Reaction, Visibility
from tests.accounts.factories import UserFactory
from tests.stream.factories import image_upload

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def signed_in(client, employee):
    client.force_login(employee)
    return client


class TestFeeds:
    def test_anonymous_is_sent_to_sign_in(self, client, db):
        assert client.get("/").status_code == 302

    def test_empty_home_teaches(self, signed_in):
        response = signed_in.get("/")
        assert response.status_code == 200
        assert "Find colleagues" in response.text
        assert 'name="body"' in response.text

    @pytest.mark.parametrize("url", ["/", "/company/", "/tags/atelier/", "/@lea.martin/posts"])
    def test_feeds_show_posts_with_constant_queries(self, signed_in, employee, colleague, make_post, url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def publish(n: int) -> None:
            for i in range(n):
                # The newest has a file: both pages then ask for files (``Post.attachment_count``).
                files = [image_upload()] if i == n - 1 else []
                post = make_post(employee, f"Nouvelle n°{i} #atelier", attachments=files)
                services.comment_create(actor=colleague, post=post, body="Bravo")
                services.reaction_add(actor=employee, post=post, emoji="👍")

        publish(1)
        signed_in.get(url)  # warm the session
        with CaptureQueriesContext(connection) as few:
            signed_in.get(url, {"limit": "10"})
        publish(14)
        with CaptureQueriesContext(connection) as many:
            response = signed_in.get(url, {"limit": "10"})
        assert response.status_code == 200
        assert response.text.count('class="card post') == 10
        assert "Load more" in response.text
        assert "max_id=" in response.text
        assert len(many) == len(few) <= 12

    def test_load_more_with_htmx_returns_the_fragment(self, signed_in, employee, make_post):
        posts = [make_post(employee, f"n°{i}") for i in range(3)]
        response = signed_in.get("/company/", {"max_id": posts[-1].pk}, **HTMX)
        assert response.status_code == 200
        assert "<html" not in response.text
        assert "n°1" in response.text

    @pytest.mark.parametrize("url", ["/", "/company/", "/tags/velo/", "/@lea.martin/posts"])
    def test_garbage_cursor_is_400_with_a_message(self, signed_in, make_post, employee, url):
        make_post(employee, "#velo")
        response = signed_in.get(url, {"max_id": "nope"})
        assert response.status_code == 400
        assert "max_id" in response.text

    def test_tag_page_and_follow_button(self, signed_in, employee, make_post):
        make_post(employee, "#Vélo demain")
        response = signed_in.get("/tags/velo/")
        assert response.status_code == 200
        assert "Follow this tag" in response.text
        response = signed_in.post("/tags/velo/follow", {"follow": "1"}, **HTMX)
        assert "Following this tag" in response.text
        assert signed_in.get("/tags/inconnu/").status_code == 404

    def test_profile_posts_page(self, signed_in, colleague, make_post):
        make_post(colleague, "Depuis mon profil")
        response = signed_in.get(reverse("stream:profile-posts", kwargs={"handle": "eloise.dupre"}))
        assert response.status_code == 200
        assert "Depuis mon profil" in response.text


class TestComposer:
    def test_publish_and_go_back(self, signed_in, employee):
        response = signed_in.post(
            "/posts/new", {"body": "Bonjour **tous**", "visibility": "company", "next": "/company/"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/company/"
        assert Post.objects.get().author == employee

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"body": "", "visibility": "company"}, "required"),
            ({"body": "x" * 20_001, "visibility": "company"}, "20000"),
            ({"body": "Hello @nobody", "visibility": "company"}, "@nobody"),
            ({"body": "Pour moi", "visibility": "mentioned"}, "mention at least one"),
            ({"body": "x", "visibility": "planet"}, "id_visibility_error"),
        ],
    )
    def test_bad_input_is_400_and_keeps_the_text(self, signed_in, data, message):
        response = signed_in.post("/posts/new", data)
        assert response.status_code == 400
        assert message in response.text
        assert not Post.objects.exists()
        if data["body"] and len(data["body"]) < 100:
            assert data["body"] in response.text

    def test_upload_with_post(self, signed_in):
        signed_in.post("/posts/new", {"body": "Photo", "visibility": "company", "attachments": [image_upload()]})
        assert Attachment.objects.get().is_image

    def test_preview_renders_markdown(self, signed_in):
        response = signed_in.post("/stream/preview", {"body": "**gras**"}, **HTMX)
        assert "<strong>gras</strong>" in response.text
        assert "@nobody" in signed_in.post("/stream/preview", {"body": "@nobody"}).text

    def test_mention_and_tag_autocomplete(self, signed_in, colleague, make_post, employee):
        assert "@eloise.dupre" in signed_in.get("/stream/mentions", {"q": "Élo"}).text
        make_post(employee, "#velo")
        assert "#velo" in signed_in.get("/stream/tags", {"q": "ve"}).text

    def test_a_refused_post_keeps_its_text_and_its_files(self, signed_in, employee):
        text = SimpleUploadedFile("compte-rendu.txt", b"Ordre du jour", content_type="text/plain")
        data = {"body": "Bonjour @personne", "visibility": "company", "attachments": [image_upload(), text]}
        data["next"] = "/company/"
        response = signed_in.post("/posts/new", data)
        assert response.status_code == 400
        html = response.text
        assert "Bonjour @personne" in html
        kept = list(Attachment.objects.filter(uploaded_by=employee, post__isnull=True).order_by("id"))
        assert [a.original_name for a in kept] == ["photo.jpg", "compte-rendu.txt"]
        for item in kept:
            assert f'name="media" value="{item.pk}"' in html
            assert f'name="discard" value="{item.pk}"' in html
        assert "Files kept from your last try" in html
        assert 'name="next" value="/company/"' in html, "the next try goes back where the first came from"
        data = {"body": "Bonjour", "visibility": "company", "media": [a.pk for a in kept]}
        again = signed_in.post("/posts/new", data)
        assert again.status_code == 302
        post = Post.objects.get()
        assert sorted(post.attachments.values_list("original_name", flat=True)) == ["compte-rendu.txt", "photo.jpg"]
        assert post.attachment_count == 2

    def test_a_refused_post_in_a_space_keeps_its_files_too(self, signed_in, employee, public_space):
        from essaim.spaces.models import Membership

        Membership.objects.create(space=public_space, user=employee)
        data = {"body": "", "space": str(public_space.pk), "attachments": [image_upload()]}
        response = signed_in.post("/posts/new", data)
        assert response.status_code == 400
        kept = Attachment.objects.get(uploaded_by=employee, post__isnull=True)
        assert f'name="media" value="{kept.pk}"' in response.text

    def test_remove_a_kept_file_without_javascript_publishes_nothing(self, signed_in, employee):
        first = services.media_upload(actor=employee, upload=image_upload("a.jpg"))
        second = services.media_upload(actor=employee, upload=image_upload("b.jpg"))
        data = {"body": "Pas encore", "visibility": "company", "media": [first.pk, second.pk], "discard": first.pk}
        response = signed_in.post("/posts/new", data)
        assert response.status_code == 200
        assert not Post.objects.exists()
        assert not Attachment.objects.filter(pk=first.pk).exists()
        assert f'name="media" value="{second.pk}"' in response.text
        assert "Pas encore" in response.text
        assert "errorlist" not in response.text

    def test_remove_a_kept_file_with_htmx(self, signed_in, employee, colleague):
        kept = services.media_upload(actor=employee, upload=image_upload())
        theirs = services.media_upload(actor=colleague, upload=image_upload())
        response = signed_in.post(f"/stream/media/{kept.pk}/discard", **HTMX)
        assert response.status_code == 200
        assert response.text == ""
        assert not Attachment.objects.filter(pk=kept.pk).exists()
        assert signed_in.post(f"/stream/media/{theirs.pk}/discard", **HTMX).status_code == 404
        assert Attachment.objects.filter(pk=theirs.pk).exists()

    def test_someone_elses_kept_file_is_ignored(self, signed_in, colleague):
        theirs = services.media_upload(actor=colleague, upload=image_upload())
        signed_in.post("/posts/new", {"body": "Hop", "visibility": "company", "media": [theirs.pk, "x"]})
        assert not Post.objects.get().attachments.exists()
        assert Attachment.objects.get(pk=theirs.pk).post is None

    def test_guest_has_no_composer_and_cannot_post(self, client, guest):
        client.force_login(guest)
        assert 'name="body"' not in client.get("/").text
        assert client.post("/posts/new", {"body": "x", "visibility": "company"}).status_code == 403


class TestPostPages:
    def test_detail_with_two_level_comments(self, signed_in, employee, colleague, make_post):
        post = make_post(employee)
        top = services.comment_create(actor=colleague, post=post, body="Premier")
        services.comment_create(actor=employee, post=post, body="Réponse", parent=top)
        response = signed_in.get(post.get_absolute_url())
        assert response.status_code == 200
        assert "Premier" in response.text
        assert "comments--replies" in response.text

    def test_the_reply_action_sits_with_the_comment_it_answers(self, signed_in, employee, colleague, make_post):
        post = make_post(employee)
        top = services.comment_create(actor=colleague, post=post, body="Premier")
        reply = services.comment_create(actor=colleague, post=post, body="Réponse", parent=top)
        html = signed_in.get(post.get_absolute_url()).text
        for comment in (top, reply):
            block = html[html.index(f'id="comment-{comment.pk}"') :]
            block = block[: block.index("</details>")]
            assert f'name="parent" value="{comment.pk}"' in block
            assert 'aria-label="Reply to Éloïse Dupré"' in block
        reply_box = html[html.index(f'id="reply-{reply.pk}"') :]
        assert reply_box.split(">", 1)[1].startswith("@eloise.dupre "), "a reply to a reply names its author"
        assert html.index(f'id="reply-{top.pk}"') < html.index(f'id="comment-{reply.pk}"')

    def test_mute_then_unmute_the_thread_from_the_post_page(self, signed_in, employee, colleague, make_post):
        from essaim.notifications.models import ThreadMute

        post = make_post(colleague)
        html = signed_in.get(post.get_absolute_url()).text
        assert f'action="/posts/{post.pk}/mute"' in html
        assert "Mute this thread" in html
        response = signed_in.post(f"/posts/{post.pk}/mute", {"muted": "1"})
        assert response.status_code == 302
        assert response.url == post.get_absolute_url()
        assert ThreadMute.objects.filter(user=employee, post=post).exists()
        html = signed_in.get(post.get_absolute_url()).text
        assert "You muted this thread" in html
        assert "Unmute this thread" in html
        signed_in.post(f"/posts/{post.pk}/mute", {"muted": "0"})
        assert not ThreadMute.objects.exists()

    def test_a_refused_reply_comes_back_open_under_its_comment(self, signed_in, employee, colleague, make_post):
        post = make_post(employee)
        top = services.comment_create(actor=colleague, post=post, body="Premier")
        response = signed_in.post(f"/posts/{post.pk}/comments", {"body": "Salut @personne", "parent": top.pk})
        assert response.status_code == 400
        html = response.text
        block = html[html.index(f'id="comment-{top.pk}"') :]
        assert block.index('<details class="reply" open>') < block.index("@personne")
        assert f'aria-describedby="reply-{top.pk}-error"' in block

    def test_the_audience_and_a_space_are_told_apart(self, signed_in, employee, public_space, make_post):
        from essaim.spaces.models import Membership

        Membership.objects.create(space=public_space, user=employee)
        make_post(employee, "Pour tous")
        make_post(employee, "Dans l'espace", space=public_space)
        english = signed_in.get("/").text
        assert "Everyone in the company" in english
        french = unescape(signed_in.get("/", HTTP_ACCEPT_LANGUAGE="fr").text)
        assert "Toute l’entreprise" in french
        assert public_space.name in french

    def test_images_open_in_a_lightbox_with_translated_labels(self, signed_in, employee, make_post):
        make_post(employee, "Photo", attachments=[image_upload()], image_description="Le logo")
        html = signed_in.get("/", HTTP_ACCEPT_LANGUAGE="fr").text
        assert "data-lightbox" in html
        assert 'data-label-count="Image {n} sur {total}"' in html
        assert 'alt="Le logo"' in html

    def test_invisible_post_is_404_everywhere(self, client, employee, colleague, make_post):
        post = make_post(employee, "Pour @eloise.dupre", visibility=Visibility.MENTIONED)
        from tests.accounts.factories import UserFactory

        client.force_login(UserFactory())
        for url in (
            f"/posts/{post.pk}/",
            f"/posts/{post.pk}/edit",
            f"/posts/{post.pk}/history",
            f"/posts/{post.pk}/reactions",
            "/posts/999/",
            "/posts/99999999999999999999999/",
            "/attachments/99999999999999999999999/",
        ):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/posts/{post.pk}/comments", {"body": "x"}).status_code == 404
        assert client.post(f"/posts/{post.pk}/react", {"emoji": "👍"}).status_code == 404

    def test_edit_shows_marker_and_history(self, signed_in, employee, make_post):
        post = make_post(employee, "Avant")
        response = signed_in.post(f"/posts/{post.pk}/edit", {"body": "Après"})
        assert response.status_code == 302
        assert "edited" in signed_in.get(post.get_absolute_url()).text
        assert "Avant" in signed_in.get(f"/posts/{post.pk}/history").text
        assert signed_in.post(f"/posts/{post.pk}/edit", {"body": " "}).status_code == 400

    def test_edit_adds_and_removes_files(self, signed_in, employee, make_post):
        post = make_post(employee, "Photos", attachments=[image_upload("a.jpg")])
        old = post.attachments.get()
        page = signed_in.get(f"/posts/{post.pk}/edit").text
        assert 'enctype="multipart/form-data"' in page
        assert f'name="remove" value="{old.pk}"' in page
        assert "Remove a.jpg" in page
        data = {"body": "Photos", "remove": [old.pk], "attachments": [image_upload("b.jpg")]}
        assert signed_in.post(f"/posts/{post.pk}/edit", data).status_code == 302
        assert list(post.attachments.values_list("original_name", flat=True)) == ["b.jpg"]

    def test_a_refused_edit_keeps_the_boxes_ticked(self, signed_in, employee, make_post):
        post = make_post(employee, "Photos", attachments=[image_upload("a.jpg")])
        old = post.attachments.get()
        response = signed_in.post(f"/posts/{post.pk}/edit", {"body": " ", "remove": [old.pk]})
        assert response.status_code == 400
        assert f'value="{old.pk}" id="remove-{old.pk}" checked' in response.text
        assert post.attachments.exists()

    def test_someone_else_cannot_edit(self, client, employee, colleague, make_post):
        post = make_post(employee)
        client.force_login(colleague)
        assert client.get(f"/posts/{post.pk}/edit").status_code == 403
        assert client.post(f"/posts/{post.pk}/delete").status_code == 403

    def test_delete_asks_then_deletes(self, signed_in, employee, make_post):
        post = make_post(employee)
        assert "cannot be undone" in signed_in.get(f"/posts/{post.pk}/delete").text
        assert signed_in.post(f"/posts/{post.pk}/delete").status_code == 302
        assert not Post.objects.exists()

    def test_comment_errors_are_400(self, signed_in, employee, make_post):
        post = make_post(employee)
        assert signed_in.post(f"/posts/{post.pk}/comments", {"body": ""}).status_code == 400
        response = signed_in.post(f"/posts/{post.pk}/comments", {"body": "Salut @nobody"})
        assert response.status_code == 400
        assert "@nobody" in response.text

    def test_feed_post_has_one_reaction_form_with_six_buttons(self, signed_in, employee, make_post):
        post = make_post(employee, "Une seule forme")
        html = signed_in.get("/").text
        react = reverse("stream:reaction-toggle", kwargs={"post_id": post.pk})
        assert html.count(f'action="{react}"') == 1
        assert html.count('name="emoji"') == 6
        assert f'id="reactions-{post.pk}"' in html
        assert 'name="next" value="/"' in html

    def test_reaction_toggle_with_htmx(self, signed_in, employee, make_post):
        post = make_post(employee)
        response = signed_in.post(f"/posts/{post.pk}/react", {"emoji": "🎉"}, **HTMX)
        assert response.status_code == 200
        assert 'aria-pressed="true"' in response.text
        signed_in.post(f"/posts/{post.pk}/react", {"emoji": "🎉"}, **HTMX)
        assert not Reaction.objects.exists()
        assert signed_in.post(f"/posts/{post.pk}/react", {"emoji": "💩"}).status_code == 400
        signed_in.post(f"/posts/{post.pk}/react", {"emoji": "👍"})
        assert "Léa Martin" in signed_in.get(f"/posts/{post.pk}/reactions").text

    def test_who_reacted_shows_the_latest_few_and_everyone_page_by_page(self, signed_in, employee, make_post):
        post = make_post(employee)
        fans = [UserFactory(first_name="Fan", last_name=f"Numéro {n:02d}", handle=f"fan.{n:02d}") for n in range(25)]
        for fan in fans:
            services.reaction_add(actor=fan, post=post, emoji="🎉")
        summary = signed_in.get(f"/posts/{post.pk}/reactions").text
        assert "Numéro 24" in summary
        assert "Numéro 16" not in summary, "the latest eight"
        assert "See all 25" in summary
        assert "?emoji=%F0%9F%8E%89" in summary
        first = signed_in.get(f"/posts/{post.pk}/reactions", {"emoji": "🎉"})
        assert first.status_code == 200
        assert "Numéro 24" in first.text
        assert "Numéro 04" not in first.text, "a page of twenty"
        next_url = first.context["next_url"]
        rest = signed_in.get(next_url, **HTMX)
        assert "Numéro 04" in rest.text
        assert "Numéro 05" not in rest.text
        assert "<h1" not in rest.text, "htmx gets the rows alone"
        assert signed_in.get(f"/posts/{post.pk}/reactions", {"emoji": "💩"}).status_code == 400
        assert signed_in.get(f"/posts/{post.pk}/reactions", {"emoji": "🎉", "max_id": "x"}).status_code == 400

    def test_announcement_pin_and_bad_date(self, client, employee, communication, make_post):
        post = make_post(employee)
        client.force_login(communication)
        past = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        assert client.post(f"/posts/{post.pk}/announcement", {"expires_at": past}).status_code == 400
        future = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        assert client.post(f"/posts/{post.pk}/announcement", {"expires_at": future}).status_code == 302
        assert "post--pinned" in client.get("/").text
        client.force_login(employee)
        assert client.post(f"/posts/{post.pk}/announcement", {"clear": "1"}).status_code == 403

    def test_only_the_announcement_is_pinned_not_the_posts_below_it(self, client, employee, communication, make_post):
        ordinary = make_post(employee, "Un message ordinaire")
        announced = make_post(employee, "Une annonce")
        client.force_login(communication)
        future = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        client.post(f"/posts/{announced.pk}/announcement", {"expires_at": future})
        client.force_login(employee)
        html = client.get("/").text
        assert html.count("post--pinned") == 1
        assert f'id="pinned-{announced.pk}"' in html
        assert f'id="post-{ordinary.pk}"' in html


class TestDownloads:
    def test_file_downloads_as_attachment_and_image_inline(self, signed_in, employee, make_post):
        from django.core.files.uploadedfile import SimpleUploadedFile

        doc = SimpleUploadedFile("page.html", b"<script>alert(1)</script>", content_type="text/html")
        post = make_post(employee, "Fichiers", attachments=[doc, image_upload()])
        file, image = post.attachments.order_by("is_image")
        response = signed_in.get(f"/attachments/{file.pk}/")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/octet-stream"
        thumb = signed_in.get(f"/attachments/{image.pk}/thumbnail")
        assert thumb.status_code == 200
        assert thumb["Content-Type"] == "image/jpeg"

    def test_download_rechecks_access_each_time(self, client, employee, follower, make_post):
        post = make_post(employee, "Abonnés", visibility=Visibility.FOLLOWERS, attachments=[image_upload()])
        attachment = post.attachments.get()
        client.force_login(follower)
        assert client.get(f"/attachments/{attachment.pk}/").status_code == 200
        follower.following_set.all().delete()
        assert client.get(f"/attachments/{attachment.pk}/").status_code == 404


class TestDownloadsThroughTheProxy:
    """With ``ESSAIM_ACCEL_REDIRECT_PREFIX`` the checked download answers empty and names the file for nginx's
    internal location (``deploy/nginx/essaim.conf``), with the headers nginx keeps."""

    @pytest.fixture(autouse=True)
    def through_nginx(self, settings):
        settings.ACCEL_REDIRECT_PREFIX = "/_essaim_private/"

    def test_an_allowed_file_is_handed_to_the_proxy_without_its_bytes(self, signed_in, employee, make_post, settings):
        doc = SimpleUploadedFile("compte rendu été.pdf", b"%PDF-1.4 secret", content_type="application/pdf")
        post = make_post(employee, "Fichiers", attachments=[doc])
        attachment = post.attachments.get()
        response = signed_in.get(f"/attachments/{attachment.pk}/")
        assert response.status_code == 200
        assert response.content == b""
        assert response["X-Accel-Redirect"] == f"/_essaim_private/{quote(attachment.file.name)}"
        assert "%C3%A9" in response["X-Accel-Redirect"], "percent-encoded: nginx decodes it"
        assert (settings.DATA_DIR / "private" / attachment.file.name).read_bytes() == b"%PDF-1.4 secret"
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment; filename")
        assert "compte" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, max-age=3600"

    def test_an_image_is_handed_over_inline_and_its_thumbnail_by_its_own_path(self, signed_in, employee, make_post):
        post = make_post(employee, "Photo", attachments=[image_upload()])
        image = post.attachments.get()
        response = signed_in.get(f"/attachments/{image.pk}/")
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].startswith("inline")
        thumb = signed_in.get(f"/attachments/{image.pk}/thumbnail")
        assert thumb["X-Accel-Redirect"] == f"/_essaim_private/{image.thumbnail.name}"
        assert thumb.content == b""

    def test_a_file_the_reader_may_not_see_is_still_404_and_names_nothing(self, client, employee, follower, make_post):
        post = make_post(employee, "Abonnés", visibility=Visibility.FOLLOWERS, attachments=[image_upload()])
        attachment = post.attachments.get()
        client.force_login(follower)
        assert client.get(f"/attachments/{attachment.pk}/")["X-Accel-Redirect"]
        follower.following_set.all().delete()
        refused = client.get(f"/attachments/{attachment.pk}/")
        assert refused.status_code == 404
        assert "X-Accel-Redirect" not in refused

    def test_a_signed_out_visitor_is_sent_to_sign_in_and_names_nothing(self, client, employee, make_post):
        attachment = make_post(employee, "Photo", attachments=[image_upload()]).attachments.get()
        response = client.get(f"/attachments/{attachment.pk}/")
        assert response.status_code == 302
        assert "X-Accel-Redirect" not in response


class TestCommentFiles:
    """Every comment form takes files; comments show them as posts do; downloads follow the post."""

    def test_every_comment_form_takes_files(self, signed_in, employee, colleague, make_post):
        post = make_post(employee)
        services.comment_create(actor=colleague, post=post, body="Premier")
        for page in (signed_in.get(f"/posts/{post.pk}/").text, signed_in.get("/").text):
            forms = [f for f in page.split("<form")[1:] if "/comments" in f.split(">")[0]]
            assert forms, "a comment form"
            for form in forms:
                assert 'enctype="multipart/form-data"' in form.split(">")[0]
                assert 'type="file" name="attachments" multiple' in form
        detail = signed_in.get(f"/posts/{post.pk}/").text
        assert '<label for="id_attachments">Images and files</label>' in detail
        assert "Attach images or files" in detail, "the short forms' picker has a label too"

    def test_upload_through_the_form_then_see_the_thumbnail_and_the_link(self, signed_in, employee, make_post):
        post = make_post(employee)
        notes = SimpleUploadedFile("notes.pdf", b"%PDF-1.4 notes", content_type="application/pdf")
        data = {
            "body": "Mes notes",
            "attachments": [image_upload("tableau.jpg"), notes],
            "image_description": "Le tableau",
        }
        response = signed_in.post(f"/posts/{post.pk}/comments", data)
        assert response.status_code == 302
        comment = post.comments.get()
        image, file = sorted(comment.attachments.all(), key=lambda a: not a.is_image)
        html = signed_in.get(response.url).text
        block = html[html.index(f'id="comment-{comment.pk}"') :]
        assert (
            f'<a href="/attachments/{image.pk}/"><img src="/attachments/{image.pk}/thumbnail" alt="Le tableau"' in block
        )
        assert f'<a href="/attachments/{file.pk}/" download>' in block
        assert "notes.pdf" in block
        assert "14\xa0bytes" in unescape(block)
        assert html.count(f"/attachments/{image.pk}/thumbnail") == 1, "not among the post's own images"

    def test_a_reply_takes_files_from_its_own_form(self, signed_in, employee, colleague, make_post):
        post = make_post(employee)
        top = services.comment_create(actor=colleague, post=post, body="Premier")
        data = {"body": "Voilà", "parent": top.pk, "attachments": [image_upload()]}
        assert signed_in.post(f"/posts/{post.pk}/comments", data).status_code == 302
        assert post.comments.get(parent=top).attachments.count() == 1

    def test_a_comment_from_a_feed_card_takes_files(self, signed_in, employee, make_post):
        post = make_post(employee)
        signed_in.get("/")
        response = signed_in.post(f"/posts/{post.pk}/comments", {"body": "Du fil", "attachments": [image_upload()]})
        assert response.status_code == 302
        assert "/attachments/" in signed_in.get("/").text.split(f'id="post-{post.pk}"')[1]

    def test_a_refused_comment_keeps_its_text_and_its_files_then_publishes_them(self, signed_in, employee, make_post):
        post = make_post(employee)
        data = {"body": "Voir @personne", "attachments": [image_upload("plan.jpg")]}
        response = signed_in.post(f"/posts/{post.pk}/comments", data)
        assert response.status_code == 400
        assert "Voir @personne" in response.text
        assert "Nobody is called @personne" in response.text
        kept = Attachment.objects.get(uploaded_by=employee, post__isnull=True)
        assert f'name="media" value="{kept.pk}"' in response.text
        assert "Files kept from your last try" in response.text
        again = signed_in.post(f"/posts/{post.pk}/comments", {"body": "Voir le plan", "media": [kept.pk]})
        assert again.status_code == 302
        kept.refresh_from_db()
        assert kept.comment == post.comments.get()

    def test_a_refused_file_says_why_in_the_persons_language_and_keeps_the_text(self, client, employee, make_post):
        employee.language = "fr"
        employee.save()
        client.force_login(employee)
        post = make_post(employee)
        fake = SimpleUploadedFile("photo.png", b"<html>pas une image</html>", content_type="image/png")
        response = client.post(f"/posts/{post.pk}/comments", {"body": "Ma photo", "attachments": [fake]})
        assert response.status_code == 400
        assert "Ma photo" in response.text
        assert "photo.png" in response.text
        assert 'lang="fr"' in response.text
        assert not post.comments.exists()

    def test_remove_a_kept_file_without_javascript_publishes_nothing(self, signed_in, employee, make_post):
        post = make_post(employee)
        kept = services.media_upload(actor=employee, upload=image_upload())
        data = {"body": "Pas encore", "media": [kept.pk], "discard": kept.pk}
        response = signed_in.post(f"/posts/{post.pk}/comments", data)
        assert response.status_code == 200
        assert not post.comments.exists()
        assert not Attachment.objects.filter(pk=kept.pk).exists()
        assert "Pas encore" in response.text
        assert "errorlist" not in response.text

    def test_editing_a_comment_asks_for_its_text_only(self, signed_in, employee, make_post):
        post = make_post(employee)
        comment = services.comment_create(actor=employee, post=post, body="Typo", attachments=[image_upload()])
        page = signed_in.get(f"/comments/{comment.pk}/edit").text
        assert 'type="file"' not in page
        assert signed_in.post(f"/comments/{comment.pk}/edit", {"body": "Corrigé"}).status_code == 302
        assert comment.attachments.count() == 1

    def test_whoever_reads_the_post_downloads_a_comments_file_and_nobody_else(
        self, client, employee, follower, colleague, make_post
    ):
        post = make_post(employee, "Abonnés", visibility=Visibility.FOLLOWERS)
        comment = services.comment_create(actor=follower, post=post, body="Photo", attachments=[image_upload()])
        file = comment.attachments.get()
        client.force_login(follower)
        assert client.get(f"/attachments/{file.pk}/").status_code == 200
        assert client.get(f"/attachments/{file.pk}/thumbnail").status_code == 200
        client.force_login(colleague)  # an employee who does not follow the author
        assert client.get(f"/attachments/{file.pk}/").status_code == 404
        assert client.get(f"/attachments/{file.pk}/thumbnail").status_code == 404
        client.force_login(employee)
        follower.following_set.all().delete()
        client.force_login(follower)
        assert client.get(f"/attachments/{file.pk}/").status_code == 404, "checked again at every download"

    def test_the_post_page_costs_one_query_more_only_when_a_comment_has_files(
        self, signed_in, employee, colleague, make_post
    ):
        post = make_post(employee)

        def queries() -> int:
            signed_in.get(f"/posts/{post.pk}/")  # what a first view caches aside
            connection.queries_log.clear()  # a full log would make the capture count nothing
            with CaptureQueriesContext(connection) as captured:
                assert signed_in.get(f"/posts/{post.pk}/").status_code == 200
            return len(captured)

        for i in range(3):
            services.comment_create(actor=colleague, post=post, body=f"Sans fichier {i}")
        without = queries()
        for i in range(3):
            services.comment_create(actor=colleague, post=post, body=f"Avec {i}", attachments=[image_upload()])
        assert queries() == without + 1, "all the comments' files at once"


class TestCompanyFeedForGuests:
    def test_a_guest_has_no_company_feed_nor_its_link(self, client, guest):
        client.force_login(guest)
        assert client.get("/company/").status_code == 403
        home = client.get("/").content.decode()
        assert 'href="/company/" class="navlink' not in home
        assert 'href="/people/" class="navlink' not in home

    def test_an_employee_sees_both_links(self, client, employee):
        client.force_login(employee)
        home = client.get("/").content.decode()
        assert 'href="/company/" class="navlink' in home
        assert 'href="/people/" class="navlink' in home
        assert 'href="/manage/"' not in home


class TestNavigation:
    def test_the_side_and_bottom_bars_show_the_same_links_rendered_once(self, client, network_admin):
        client.force_login(network_admin)
        home = client.get("/").content.decode()
        side = home.split('<nav class="sidenav"', 1)[1].split("</nav>", 1)[0]
        bottom = home.split('<nav class="bottomnav"', 1)[1].split("</nav>", 1)[0]
        assert side.split(">", 1)[1].strip() == bottom.split(">", 1)[1].strip()
        assert 'href="/" class="navlink is-current" aria-current="page"' in side
        # The phone's bar hides the administration link (``.bottomnav .navlink--wide`` in the CSS).
        assert 'href="/manage/" class="navlink navlink--wide"' in bottom


class TestCachedPageParts:
    """The top bar, navigation and cards come from the cache (``core.fragments``, ``stream.cards``)."""

    def test_each_person_gets_their_own_top_bar_and_a_working_sign_out(self, employee, colleague):
        from django.test import Client

        for person in (employee, colleague):
            client = Client(enforce_csrf_checks=True)
            client.force_login(person)
            home = client.get("/").content.decode()
            assert f"<strong>{person.get_full_name()}</strong>" in home
            token = home.split('action="/accounts/logout/">', 1)[1].split('value="', 1)[1].split('"', 1)[0]
            assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
            assert client.get("/").status_code == 302  # signed out

    def test_the_page_is_written_in_latin1_with_references_for_wider_characters(self, client, employee, make_post):
        post = make_post(employee, "Bravo l’équipe 🎉")
        services.reaction_add(actor=employee, post=post, emoji="👍")
        client.force_login(employee)
        home = client.get("/").content.decode()
        assert max(map(ord, home)) <= 0xFF
        assert "Bravo l&#8217;équipe &#127881;" in home

    def test_the_empty_composer_is_built_once_then_shared_with_a_working_token(self, employee, colleague, monkeypatch):
        from django.test import Client

        from essaim.stream.templatetags import stream_tags

        built: list[object] = []

        class CountedPostForm(stream_tags.PostForm):
            def __init__(self, *args: object, **kwargs: object) -> None:
                built.append(kwargs)
                super().__init__(*args, **kwargs)

        monkeypatch.setattr(stream_tags, "PostForm", CountedPostForm)
        for person in (employee, colleague, employee):
            client = Client(enforce_csrf_checks=True)
            client.force_login(person)
            home = client.get("/").content.decode()
            form = home.split('action="/posts/new"', 1)[1]
            assert 'name="next" value="/"' in form
            token = form.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
            data = {"body": "Bonjour", "visibility": "company", "csrfmiddlewaretoken": token}
            assert client.post("/posts/new", data).status_code == 302  # the cached form's token is this person's
        assert len(built) == 1

    def test_each_page_has_its_own_empty_composer(self, client, employee, member, public_space, join, make_post):  # noqa: PLR0917 - pytest fixtures
        join(member, public_space)
        make_post(employee, "À #vélo")
        client.force_login(member)
        home = client.get("/").content.decode()
        tag = client.get("/tags/velo/").content.decode()
        space = client.get(public_space.get_absolute_url()).content.decode()
        assert 'name="visibility"' in home
        assert 'name="next" value="/tags/velo/"' in tag
        assert "#vélo </textarea>" in tag
        assert f'name="space" value="{public_space.pk}"' in space
        assert 'name="visibility"' not in space.split("data-composer", 1)[1].split("</form>", 1)[0]

    def test_a_refused_post_comes_back_with_its_text_not_the_empty_composer(self, client, employee):
        client.force_login(employee)
        client.get("/")  # the empty composer is now cached
        response = client.post("/posts/new", {"body": "", "visibility": "company"})
        assert response.status_code == 400
        again = client.post("/posts/new", {"body": "x" * 20_001, "visibility": "company"})
        assert again.status_code == 400
        assert "x" * 20_001 in again.content.decode()


class TestFirstSteps:
    """The newcomer's checklist on the home page: shown, dismissed, closed once complete, and what it costs."""

    @pytest.fixture
    def newbie(self, client, db):
        from tests.people.factories import person

        user = person(first_name="Nina", last_name="Nouvelle", handle="nina.nouvelle")
        user.profile.first_steps_open = True
        user.profile.save()
        client.force_login(user)
        return user

    def _home_queries(self, client) -> tuple[int, str]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get("/")  # warm the session and the caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/")
        assert response.status_code == 200
        return len(queries), response.text

    def test_a_newcomer_sees_it_and_it_costs_two_queries_at_most(self, client, newbie, colleague):
        from essaim.people.services import first_steps_close
        from tests.spaces.factories import SpaceFactory

        SpaceFactory(name="Ruche")
        shown, html = self._home_queries(client)
        assert 'id="first-steps"' in html
        assert "0 of 5 done" in html
        assert "Ruche" in html
        first_steps_close(actor=newbie, user=newbie)
        closed, html = self._home_queries(client)
        assert 'id="first-steps"' not in html
        assert shown - closed <= 2

    def test_closed_it_costs_the_home_page_nothing(self, client, employee, newbie):
        """The same page for a person who never had it and one who dismissed it: the same queries."""
        from essaim.people.services import first_steps_close

        first_steps_close(actor=newbie, user=newbie)
        dismissed, _html = self._home_queries(client)
        client.force_login(employee)
        never, _html = self._home_queries(client)
        assert dismissed == never

    def test_a_complete_checklist_closes_itself(self, client, newbie, monkeypatch):
        from essaim.people import first_steps

        def all_done(actor, profile, employee):
            return dict.fromkeys(first_steps.STEPS, True)

        monkeypatch.setattr(first_steps, "_state", all_done)
        response = client.get("/")
        assert 'id="first-steps"' not in response.text
        newbie.profile.refresh_from_db()
        assert not newbie.profile.first_steps_open

    def test_load_more_pages_do_not_ask_for_it(self, client, newbie):
        response = client.get("/", {"max_id": "999999999999"}, **HTMX)
        assert 'id="first-steps"' not in response.text
