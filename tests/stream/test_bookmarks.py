"""Content warnings and saved posts (bookmarks): services, the feeds' flag, the Saved page, the card."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from essaim.accounts.models import User
from essaim.core.pagination import Cursor
from essaim.spaces.models import Membership, Space
from essaim.stream import selectors, services
from essaim.stream.models import Bookmark, Post, PostRevision, Visibility
from tests.stream.factories import image_upload

MakePost = Callable[..., Post]


@pytest.fixture
def signed_in(client: Client, employee: User) -> Client:
    client.force_login(employee)
    return client


class TestContentWarnings:
    def test_a_post_keeps_its_warning_trimmed_and_its_sensitive_flag(self, employee: User) -> None:
        post = services.post_create(
            actor=employee, body="Les résultats", spoiler_text="  Résultats   du sondage ", sensitive=True
        )
        post.refresh_from_db()
        assert (post.spoiler_text, post.sensitive) == ("Résultats du sondage", True)

    def test_a_warning_over_200_characters_is_refused_with_a_message_and_nothing_is_written(
        self, employee: User
    ) -> None:
        with pytest.raises(ValidationError) as refused:
            services.post_create(actor=employee, body="Texte", spoiler_text="x" * 201)
        assert "200" in refused.value.message_dict["spoiler_text"][0]
        assert not Post.objects.exists()

    def test_an_edit_changes_the_warning_alone_and_keeps_the_previous_one_in_the_history(self, employee: User) -> None:
        post = services.post_create(actor=employee, body="Texte", spoiler_text="Avant")
        services.post_edit(actor=employee, post=post, body="Texte", spoiler_text="Après")
        post.refresh_from_db()
        assert post.spoiler_text == "Après"
        assert post.edited_at is not None
        assert list(PostRevision.objects.filter(post=post).values_list("spoiler_text", "body")) == [("Avant", "Texte")]

    def test_an_edit_without_warning_arguments_keeps_it(self, employee: User) -> None:
        post = services.post_create(actor=employee, body="Texte", spoiler_text="Garde", sensitive=True)
        services.post_edit(actor=employee, post=post, body="Nouveau texte")
        post.refresh_from_db()
        assert (post.body, post.spoiler_text, post.sensitive) == ("Nouveau texte", "Garde", True)

    def test_a_comment_carries_one_and_its_edit_changes_it(self, employee: User, colleague: User) -> None:
        post = services.post_create(actor=employee, body="Question")
        comment = services.comment_create(actor=colleague, post=post, body="Réponse", spoiler_text="Divulgâcheur")
        assert comment.spoiler_text == "Divulgâcheur"
        services.comment_edit(actor=colleague, comment=comment, body="Réponse", spoiler_text="")
        comment.refresh_from_db()
        assert comment.spoiler_text == ""

    def test_the_excerpt_says_the_warning_never_the_text(self, employee: User) -> None:
        post = services.post_create(actor=employee, body="Le secret du film", spoiler_text="Fin du film")
        assert "Fin du film" in post.excerpt
        assert "secret" not in post.excerpt


class TestBookmarkServices:
    def test_saving_twice_keeps_one_and_counts_it(self, employee: User, colleague: User) -> None:
        post = services.post_create(actor=colleague, body="Procédure")
        assert services.bookmark_add(actor=employee, post=post) is True
        assert services.bookmark_add(actor=employee, post=post) is False
        post.refresh_from_db()
        assert (Bookmark.objects.filter(user=employee).count(), post.bookmark_count) == (1, 1)
        assert services.bookmark_remove(actor=employee, post=post) is True
        assert services.bookmark_remove(actor=employee, post=post) is False
        post.refresh_from_db()
        assert post.bookmark_count == 0

    def test_nobody_saves_a_post_they_may_not_read(self, employee: User, colleague: User) -> None:
        private = services.post_create(actor=colleague, body="Pour mes abonnés", visibility=Visibility.FOLLOWERS)
        with pytest.raises((Http404, PermissionDenied)):
            services.bookmark_add(actor=employee, post=private)
        assert not Bookmark.objects.exists()

    def test_deleting_the_post_or_the_person_takes_the_saves_with_them(self, employee: User, colleague: User) -> None:
        post = services.post_create(actor=colleague, body="Procédure")
        other = services.post_create(actor=colleague, body="Autre")
        services.bookmark_add(actor=employee, post=post)
        services.bookmark_add(actor=employee, post=other)
        services.post_delete(actor=colleague, post=post)
        assert list(Bookmark.objects.values_list("post_id", flat=True)) == [other.pk]
        employee.delete()
        assert not Bookmark.objects.exists()


class TestSavedPage:
    def test_newest_saved_first_with_a_cursor(self, employee: User, colleague: User) -> None:
        posts = [services.post_create(actor=colleague, body=f"n°{i}") for i in range(3)]
        for post in (posts[1], posts[0], posts[2]):  # saved in this order
            services.bookmark_add(actor=employee, post=post)
        first = selectors.bookmark_page_for(actor=employee, cursor=Cursor(limit=2))
        assert [p.pk for p in first.items] == [posts[2].pk, posts[0].pk]
        assert all(p.bookmarked for p in first.items)
        rest = selectors.bookmark_page_for(actor=employee, cursor=Cursor(limit=2, max_id=first.next_max_id))
        assert [p.pk for p in rest.items] == [posts[1].pk]
        assert rest.next_max_id is None

    def test_a_post_no_longer_readable_leaves_the_list(self, employee: User, colleague: User) -> None:
        space = Space.objects.create(name="Atelier", slug="atelier", visibility=Space.Visibility.PRIVATE)
        membership = Membership.objects.create(space=space, user=employee)
        Membership.objects.create(space=space, user=colleague)
        post = services.post_create(actor=colleague, body="Dans l'espace", space=space)
        services.bookmark_add(actor=employee, post=post)
        assert [p.pk for p in selectors.bookmark_page_for(actor=employee, cursor=Cursor()).items] == [post.pk]
        membership.delete()
        assert selectors.bookmark_page_for(actor=employee, cursor=Cursor()).items == []

    def test_the_flag_costs_no_query_more_on_a_page_nobody_saved(
        self, employee: User, colleague: User, django_assert_num_queries: Any
    ) -> None:
        for i in range(5):
            services.reaction_add(actor=employee, post=services.post_create(actor=colleague, body=f"n°{i}"), emoji="👍")
        # as ``test_selectors``: the page's posts, my reactions (and, saved or not, not one query more)
        with django_assert_num_queries(2):
            page = selectors.feed_company(actor=employee, cursor=Cursor())
        assert not any(p.bookmarked for p in page.items)
        services.bookmark_add(actor=employee, post=page.items[0])
        with django_assert_num_queries(2):  # my reactions and my saves: one query
            page = selectors.feed_company(actor=employee, cursor=Cursor())
        assert [p.bookmarked for p in page.items] == [True, False, False, False, False]
        assert all(p.my_reactions == {"👍"} for p in page.items)


class TestViews:
    def test_save_with_htmx_answers_the_pressed_button_and_saves(
        self, signed_in: Client, employee: User, colleague: User
    ) -> None:
        post = services.post_create(actor=colleague, body="Procédure")
        response = signed_in.post(f"/posts/{post.pk}/save", {"saved": "1"}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert 'aria-pressed="true"' in response.text
        assert Bookmark.objects.filter(user=employee, post=post).exists()
        response = signed_in.post(f"/posts/{post.pk}/save", {"saved": "0", "next": "/saved/"})
        assert response.status_code == 302
        assert response["Location"] == "/saved/"
        assert not Bookmark.objects.exists()

    def test_a_bad_choice_answers_400_with_a_message(self, signed_in: Client, colleague: User) -> None:
        post = services.post_create(actor=colleague, body="Procédure")
        response = signed_in.post(f"/posts/{post.pk}/save", {"saved": "peut-être"})
        assert response.status_code == 400
        assert "save the post" in response.text

    def test_a_post_one_may_not_read_answers_404(self, signed_in: Client, colleague: User) -> None:
        post = services.post_create(actor=colleague, body="Abonnés", visibility=Visibility.FOLLOWERS)
        assert signed_in.post(f"/posts/{post.pk}/save", {"saved": "1"}).status_code == 404

    def test_the_saved_page_lists_them_and_teaches_when_empty(
        self, signed_in: Client, employee: User, colleague: User
    ) -> None:
        assert "Nothing saved yet" in signed_in.get("/saved/").text
        post = services.post_create(actor=colleague, body="Procédure de congés")
        services.bookmark_add(actor=employee, post=post)
        response = signed_in.get("/saved/")
        assert response.status_code == 200
        assert "Procédure de congés" in response.text
        assert 'aria-pressed="true"' in response.text
        assert signed_in.get("/saved/", {"max_id": "abc"}).status_code == 400

    def test_the_card_folds_the_text_behind_the_warning_and_hides_sensitive_images(
        self, signed_in: Client, colleague: User
    ) -> None:
        services.post_create(actor=colleague, body="La fin du film", spoiler_text="Divulgâcheur")
        services.post_create(actor=colleague, body="Photos", sensitive=True, attachments=[image_upload()])
        html = signed_in.get("/company/").text
        assert '<details class="cw">' in html
        assert "Divulgâcheur" in html
        assert '<details class="sensitive">' in html

    def test_the_composer_and_the_editor_take_a_warning(self, signed_in: Client, employee: User) -> None:
        response = signed_in.post(
            "/posts/new", {"body": "Résultats", "visibility": "company", "spoiler_text": "Chiffres"}
        )
        assert response.status_code == 302
        post = Post.objects.get()
        assert post.spoiler_text == "Chiffres"
        edit = signed_in.get(f"/posts/{post.pk}/edit")
        assert 'value="Chiffres"' in edit.text
        assert 'composer__cw" open' in edit.text
        response = signed_in.post(
            f"/posts/{post.pk}/edit", {"body": "Résultats", "spoiler_text": "", "sensitive": "on"}
        )
        assert response.status_code == 302
        post.refresh_from_db()
        assert (post.spoiler_text, post.sensitive) == ("", True)

    def test_a_refused_warning_keeps_what_was_typed_with_the_message_by_the_field(self, signed_in: Client) -> None:
        response = signed_in.post(
            "/posts/new", {"body": "Résultats", "visibility": "company", "spoiler_text": "é" * 250}
        )
        assert response.status_code == 400
        assert "200 characters at most" in response.text
        assert "Résultats" in response.text
        assert not Post.objects.exists()
