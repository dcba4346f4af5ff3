"""core.rows: instances built from hand-written SQL are the ORM's, field by field and relation by relation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.utils import timezone

from essaim.accounts.models import User
from essaim.core.rows import ModelColumns, attach, placeholders, statement
from essaim.people.models import Profile
from essaim.stream import services
from essaim.stream.models import Post

pytestmark = pytest.mark.django_db

POST = ModelColumns(Post, "p")
AUTHOR = ModelColumns(User, "u")
PROFILE = ModelColumns(Profile, "pr")


def _rows(sql: str, params: list[object]) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _values(instance: object, columns: ModelColumns) -> dict[str, object]:
    return {name: getattr(instance, name) for name in columns.attnames}


def _read_post(pk: int) -> Post:
    sql = f"SELECT {POST.select(connection)} FROM stream_post p WHERE p.id = %s"  # noqa: S608 - test SQL
    (row,) = _rows(sql, [pk])
    post = POST.build(row, 0, connection)
    assert post is not None
    return post


class TestBuild:
    def test_every_field_equals_the_orms_with_its_python_type(self, employee, colleague, network_admin):
        post = services.post_create(actor=employee, body="**Bonjour** #équipe")
        services.reaction_add(actor=colleague, post=post, emoji="🎉")
        services.announcement_set(actor=network_admin, post=post, expires_at=timezone.now() + timedelta(days=2))
        built, orm = _read_post(post.pk), Post.objects.get(pk=post.pk)
        assert _values(built, POST) == _values(orm, POST)
        # the database's converters ran: aware datetimes, booleans, decoded JSON
        assert timezone.is_aware(built.created_at)
        assert built.is_announcement is True
        assert built.reaction_counts == {"🎉": 1}

    def test_the_instance_is_a_saved_one_of_this_database(self, employee):
        built = _read_post(services.post_create(actor=employee, body="Salut").pk)
        assert built._state.adding is False
        assert built._state.db == connection.alias
        assert built == Post.objects.get(pk=built.pk)

    def test_the_instance_saves_and_refreshes_like_the_orms(self, employee):
        built = _read_post(services.post_create(actor=employee, body="Salut").pk)
        built.body = "Au revoir"
        built.save(update_fields=["body"])
        assert Post.objects.get(pk=built.pk).body == "Au revoir"
        built.refresh_from_db()
        assert built.body == "Au revoir"

    def test_a_field_left_out_is_deferred_and_read_when_asked(self, employee, django_assert_num_queries):
        post = services.post_create(actor=employee, body="Salut")
        columns = ModelColumns(Post, "p", only=["author"])
        sql = f"SELECT {columns.select(connection)} FROM stream_post p WHERE p.id = %s"  # noqa: S608 - test SQL
        (row,) = _rows(sql, [post.pk])
        built = columns.build(row, 0, connection)
        assert built is not None
        assert built.get_deferred_fields() == {f.attname for f in Post._meta.concrete_fields} - {"id", "author_id"}
        with django_assert_num_queries(1):
            assert built.body == "Salut"

    def test_init_signals_are_sent_when_something_listens(self, employee):
        post = services.post_create(actor=employee, body="Salut")
        seen: list[object] = []

        def receiver(sender: type, instance: object, **kwargs: object) -> None:
            seen.append(instance)

        post_init.connect(receiver, sender=Post)
        try:
            built = _read_post(post.pk)
        finally:
            post_init.disconnect(receiver, sender=Post)
        assert seen == [built]
        assert _values(built, POST) == _values(Post.objects.get(pk=post.pk), POST)

    def test_a_null_primary_key_is_an_outer_joins_miss(self, employee):
        Profile.objects.filter(user=employee).delete()
        sql = (
            f"SELECT {AUTHOR.select(connection)}, {PROFILE.select(connection)} "  # noqa: S608 - test SQL
            "FROM accounts_user u LEFT JOIN people_profile pr ON pr.user_id = u.id WHERE u.id = %s"
        )
        (row,) = _rows(sql, [employee.pk])
        assert AUTHOR.build(row, 0, connection) is not None
        assert PROFILE.build(row, AUTHOR.width, connection) is None

    def test_the_select_list_follows_the_models_field_order(self):
        assert POST.width == len(Post._meta.concrete_fields)
        assert POST.select(connection).split(", ")[0] == f"p.{connection.ops.quote_name('id')}"


class TestAttach:
    def test_a_forward_relation_is_cached_and_costs_no_query(self, employee, django_assert_num_queries):
        post = _read_post(services.post_create(actor=employee, body="Salut").pk)
        author = User.objects.get(pk=employee.pk)
        attach(post, "author", author)
        with django_assert_num_queries(0):
            assert post.author is author

    def test_a_reverse_one_to_one_is_cached_both_ways(self, employee, django_assert_num_queries):
        user, profile = User.objects.get(pk=employee.pk), Profile.objects.get(user=employee)
        attach(user, "profile", profile)
        with django_assert_num_queries(0):
            assert user.profile is profile
            assert profile.user is user

    def test_a_missing_reverse_one_to_one_raises_like_the_orms(self, employee, django_assert_num_queries):
        user = User.objects.get(pk=employee.pk)
        attach(user, "profile", None)
        with django_assert_num_queries(0), pytest.raises(Profile.DoesNotExist):
            _ = user.profile

    def test_a_null_forward_relation_is_none_without_a_query(self, employee, django_assert_num_queries):
        post = _read_post(services.post_create(actor=employee, body="Salut").pk)
        attach(post, "space", None)
        with django_assert_num_queries(0):
            assert post.space is None


def test_placeholders_are_markers_only():
    assert placeholders(3) == "%s, %s, %s"
    assert placeholders(1) == "%s"


def test_a_statement_is_built_once_per_database_then_reused():
    built: list[str] = []

    @statement
    def sql(db):
        built.append(db.vendor)
        return f"SELECT {POST.select(db)} FROM stream_post p"  # noqa: S608 - test SQL

    assert sql() == sql()
    assert built == [connection.vendor]
    assert f"p.{connection.ops.quote_name('body_html')}" in sql()
