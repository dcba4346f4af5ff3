"""``post_links``: the people and tags a text names, and the rows linking a post to them."""

from __future__ import annotations

from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.stream import post_links
from essaim.stream.models import TAG_MAX_CHARS, Comment, Mention, Post, PostTag, Tag
from tests.accounts.factories import UserFactory


class TestPeopleNamed:
    def test_finds_people_by_handle_active_or_not(self, employee: User, colleague: User) -> None:
        gone = UserFactory(handle="parti", is_active=False)
        found = post_links.people_named(["lea.martin", "parti", "personne"])
        assert {u.pk for u in found} == {employee.pk, gone.pk}

    def test_the_people_are_the_orms_own(self, employee: User, colleague: User) -> None:
        (found,) = post_links.people_named(["eloise.dupre"])
        expected = User.objects.get(pk=colleague.pk)
        assert found == expected
        assert [getattr(found, f.attname) for f in User._meta.concrete_fields] == [
            getattr(expected, f.attname) for f in User._meta.concrete_fields
        ]
        assert found._state.adding is False

    def test_no_handles_ask_nothing(self, db: None, django_assert_num_queries: Any) -> None:
        with django_assert_num_queries(0):
            assert post_links.people_named([]) == []

    def test_one_query(self, employee: User, colleague: User, django_assert_num_queries: Any) -> None:
        with django_assert_num_queries(1):
            post_links.people_named(["lea.martin", "eloise.dupre"])


class TestTagsNamed:
    def test_existing_tags_in_the_order_written_in_one_query(self, db: None, django_assert_num_queries: Any) -> None:
        atelier, cafe = (
            Tag.objects.create(name="Atelier", folded="atelier"),
            Tag.objects.create(name="Café", folded="cafe"),
        )
        with django_assert_num_queries(1):
            assert post_links.tags_named(["cafe", "Atelier"]) == [cafe, atelier]

    def test_new_tags_are_created_named_as_first_written(self, db: None) -> None:
        (tag,) = post_links.tags_named(["Réunion", "reunion"])
        assert (tag.name, tag.folded) == ("Réunion", "reunion")
        assert tag.created_at is not None
        assert list(Tag.objects.values_list("folded", flat=True)) == ["reunion"]

    def test_a_mix_of_old_and_new(self, db: None) -> None:
        old = Tag.objects.create(name="Atelier", folded="atelier")
        tags = post_links.tags_named(["Neuf", "atelier"])
        assert [t.folded for t in tags] == ["neuf", "atelier"]
        assert tags[1] == old
        assert tags[0].pk is not None

    def test_long_names_are_cut_to_the_limit(self, db: None) -> None:
        (tag,) = post_links.tags_named(["x" * (TAG_MAX_CHARS + 10)])
        assert len(tag.folded) == len(tag.name) == TAG_MAX_CHARS

    def test_no_names_ask_nothing(self, db: None, django_assert_num_queries: Any) -> None:
        with django_assert_num_queries(0):
            assert post_links.tags_named([]) == []


class TestLinks:
    @pytest.fixture
    def post(self, employee: User) -> Post:
        return Post.objects.create(author=employee, body="Bonjour")

    def test_mentions_of_a_post_once_each(self, post: Post, employee: User, colleague: User) -> None:
        post_links.add_mentions(post_id=post.pk, user_ids=[colleague.pk, employee.pk])
        post_links.add_mentions(post_id=post.pk, user_ids=[colleague.pk])  # an edit keeping it
        rows = Mention.objects.filter(post=post).order_by("user_id").values_list("user_id", "comment_id")
        assert list(rows) == sorted([(colleague.pk, None), (employee.pk, None)])

    def test_mentions_in_a_comment_are_the_comments(self, post: Post, colleague: User) -> None:
        comment = Comment.objects.create(post=post, author=colleague, body="@lea.martin")
        post_links.add_mentions(post_id=post.pk, user_ids=[post.author_id])
        post_links.add_mentions(post_id=post.pk, comment_id=comment.pk, user_ids=[post.author_id])
        post_links.add_mentions(post_id=post.pk, comment_id=comment.pk, user_ids=[post.author_id])
        assert sorted(Mention.objects.filter(post=post).values_list("comment_id", flat=True), key=str) == sorted(
            [None, comment.pk], key=str
        )

    def test_tags_once_each(self, post: Post) -> None:
        tags = post_links.tags_named(["a", "b"])
        post_links.add_tags(post_id=post.pk, tag_ids=[t.pk for t in tags])
        post_links.add_tags(post_id=post.pk, tag_ids=[tags[0].pk])
        assert sorted(PostTag.objects.filter(post=post).values_list("tag__folded", flat=True)) == ["a", "b"]

    def test_nothing_to_add_asks_nothing(self, post: Post, django_assert_num_queries: Any) -> None:
        with django_assert_num_queries(0):
            post_links.add_mentions(post_id=post.pk, user_ids=[])
            post_links.add_tags(post_id=post.pk, tag_ids=[])
