"""Comment previews: the first top-level comments of each post, read as rows, equal to the models."""

from __future__ import annotations

import pytest

from essaim.people.models import Profile
from essaim.people.services import profile_photo_set
from essaim.stream import services
from essaim.stream.models import Comment
from essaim.stream.previews import PREVIEW_COMMENTS, comment_previews
from tests.accounts.factories import UserFactory
from tests.stream.factories import image_upload


@pytest.fixture
def guest_commenter(db):
    return UserFactory(handle="gaston.invite", first_name="Gaston", last_name="Invité", kind="guest")


def _comments(post, author, *bodies):
    return [services.comment_create(actor=author, post=post, body=body) for body in bodies]


class TestWhichComments:
    def test_the_first_top_level_comments_of_each_post_by_post_then_age(self, employee, colleague, make_post):
        first, second = make_post(employee, "Un"), make_post(employee, "Deux")
        a1, a2, _a3 = _comments(first, colleague, "a1", "a2", "a3")
        (b1,) = _comments(second, colleague, "b1")
        previews = comment_previews([second.pk, first.pk])
        assert [p.pk for p in previews] == [a1.pk, a2.pk, b1.pk]  # ids grow with time
        assert [p.post_id for p in previews] == [first.pk, first.pk, second.pk]

    def test_replies_are_never_previews(self, employee, colleague, make_post):
        post = make_post(employee, "Question")
        (top,) = _comments(post, colleague, "Une réponse")
        services.comment_create(actor=employee, post=post, body="Merci", parent=top)
        services.comment_create(actor=employee, post=post, body="Encore merci", parent=top)
        assert [p.pk for p in comment_previews([post.pk])] == [top.pk]

    def test_a_post_without_comments_has_none_and_no_ids_cost_no_query(
        self, employee, make_post, django_assert_num_queries
    ):
        post = make_post(employee, "Silence")
        assert comment_previews([post.pk]) == []
        with django_assert_num_queries(0):
            assert comment_previews([]) == []

    def test_one_query_for_a_whole_page(self, employee, colleague, make_post, django_assert_num_queries):
        posts = [make_post(employee, f"n°{i}") for i in range(12)]
        for post in posts:
            _comments(post, colleague, "x", "y", "z")
        with django_assert_num_queries(1):
            assert len(comment_previews([p.pk for p in posts])) == 12 * PREVIEW_COMMENTS


class TestWhatTheyCarry:
    def test_the_same_values_as_the_model(self, employee, colleague, make_post):
        post = make_post(employee, "Sujet")
        (comment,) = _comments(post, colleague, "**Bien** vu")
        services.comment_edit(actor=colleague, comment=comment, body="**Très** bien vu")
        model = Comment.objects.select_related("author__profile").get(pk=comment.pk)
        (preview,) = comment_previews([post.pk])
        assert (preview.pk, preview.post_id, preview.author_id, preview.parent_id) == (
            model.pk,
            model.post_id,
            model.author_id,
            None,
        )
        assert preview.body_html == model.body_html
        assert preview.created_at == model.created_at  # aware, in UTC, on SQLite as on PostgreSQL
        assert preview.edited_at == model.edited_at
        assert preview.created_at.tzinfo is not None

    def test_the_author_answers_like_a_user(  # noqa: PLR0917 - pytest fixtures
        self, employee, colleague, guest_commenter, public_space, join, make_post
    ):
        for person in (employee, colleague, guest_commenter):
            join(person, public_space)
        post = make_post(employee, "Sujet", space=public_space)
        _comments(post, colleague, "Moi")
        _comments(post, guest_commenter, "Et moi")
        mine, theirs = comment_previews([post.pk])
        for preview, user in ((mine, colleague), (theirs, guest_commenter)):
            assert preview.author.pk == user.pk
            assert preview.author.get_full_name() == user.get_full_name()
            assert preview.author.get_absolute_url() == user.get_absolute_url()
            assert preview.author.is_guest is user.is_guest
            assert preview.author.profile.job_title == user.profile.job_title
        assert theirs.author.is_guest

    def test_a_photo_gives_its_url_and_none_gives_nothing(self, employee, colleague, make_post):
        post = make_post(employee, "Photo")
        _comments(post, colleague, "Avec photo")
        _comments(post, employee, "Sans photo")
        profile_photo_set(actor=colleague, profile=colleague.profile, upload=image_upload())
        with_photo, without = comment_previews([post.pk])
        assert with_photo.author.profile.photo
        assert with_photo.author.profile.photo.url == Profile.objects.get(user=colleague).photo.url
        assert not without.author.profile.photo
