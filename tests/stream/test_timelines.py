"""Materialised home timelines: who gets a post (a tag's followers do not), rebuilding, trimming to the cap."""

from __future__ import annotations

import pytest

from essaim.people.models import Follow
from essaim.stream import timelines
from essaim.stream.models import HomeEntry, Visibility
from tests.accounts.factories import UserFactory


def _owners(post):
    return set(HomeEntry.objects.filter(post=post).values_list("owner_id", flat=True))


def test_mentioned_only_post_goes_to_author_and_mentioned(employee, colleague, follower, make_post):
    post = make_post(employee, "Pour @eloise.dupre", visibility=Visibility.MENTIONED)
    assert _owners(post) == {employee.pk, colleague.pk}


def test_secret_space_post_goes_to_members_only(employee, member, secret_space, join, make_post):
    join(employee, secret_space)
    join(member, secret_space)
    post = make_post(employee, "Confidentiel", space=secret_space)
    assert _owners(post) == {employee.pk, member.pk}


def test_tag_followers_are_not_delivered_to_the_feed_reads_the_tag(employee, colleague, make_post):
    from essaim.stream import services

    services.tag_follow(actor=colleague, tag=services.tag_get_or_create(name="velo"))
    post = make_post(employee, "#velo ce soir")
    assert _owners(post) == {employee.pk}


def test_rebuild_backfills_after_a_follow_and_forgets_after_unfollow(employee, colleague, make_post):
    post = make_post(colleague, "Avant le suivi")
    Follow.objects.create(follower=employee, followed=colleague)
    timelines.rebuild(user=employee)
    assert HomeEntry.objects.filter(owner=employee, post=post).exists()
    Follow.objects.filter(follower=employee).delete()
    timelines.rebuild(user=employee)
    assert not HomeEntry.objects.filter(owner=employee, post=post).exists()


def test_trim_keeps_the_newest(employee, make_post):
    posts = [make_post(employee, f"n°{i}") for i in range(5)]
    assert timelines.trim(owner_id=employee.pk, keep=2) == 3
    assert set(HomeEntry.objects.filter(owner=employee).values_list("post_id", flat=True)) == {
        posts[4].pk,
        posts[3].pk,
    }


def test_delivering_a_deleted_post_does_nothing(db):
    assert timelines.deliver(post_id=123) == 0
    assert not HomeEntry.objects.exists()


def test_the_timeline_has_no_index_on_the_owner_alone(db):
    """The primary key (owner, post) serves owner lookups: an index on the owner alone would only
    add a random write to every delivered row."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, HomeEntry._meta.db_table)
    indexed = [c["columns"] for c in constraints.values() if c["index"] or c["primary_key"]]
    assert ["owner_id", "post_id"] in indexed
    assert ["owner_id"] not in indexed


def test_on_sqlite_a_timeline_is_stored_in_key_order(db):
    """``WITHOUT ROWID`` (migration 0008): a timeline's rows are neighbours, so a trim rewrites a
    few pages and a delivered row is written once. Django's schema editor would drop it if it ever
    remade the table; this test is there to say so."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("a SQLite storage choice")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [HomeEntry._meta.db_table])
        (sql,) = cursor.fetchone()
    assert sql.rstrip().endswith("WITHOUT ROWID")


def test_delivering_twice_keeps_one_entry_per_owner(employee, follower, make_post):
    post = make_post(employee, "Une seule fois")
    assert timelines.deliver(post_id=post.pk) == 2
    assert HomeEntry.objects.filter(post=post).count() == 2


IMMEDIATE_CONSUMERS = "emit.<locals>.<lambda>"  # ``events.pipeline``: the live pages' (``realtime``)


def test_a_small_audience_is_delivered_with_the_post_itself(employee, follower, django_capture_on_commit_callbacks):
    from essaim.stream import services

    with django_capture_on_commit_callbacks() as callbacks:  # no delivery queued for after the commit
        post = services.post_create(actor=employee, body="Pour mes abonnés")
        assert _owners(post) == {employee.pk, follower.pk}  # inside the post's transaction
    assert [c.__qualname__ for c in callbacks] == [IMMEDIATE_CONSUMERS]


def test_a_post_whose_audience_exceeds_a_batch_goes_whole_through_the_outbox(
    employee, django_capture_on_commit_callbacks, monkeypatch, drain_outbox
):
    from essaim.events.models import OutboxItem
    from essaim.stream import services

    monkeypatch.setattr(timelines, "BATCH", 2)
    Follow.objects.bulk_create([Follow(follower=UserFactory(), followed=employee) for _ in range(2)])
    with django_capture_on_commit_callbacks() as callbacks:
        post = services.post_create(actor=employee, body="Pour mes trois lecteurs")
    assert _owners(post) == set()  # nothing half-delivered: the consumer does it all
    # Nothing that a process dying after the commit would lose: only the open pages' refresh runs then.
    assert [c.__qualname__ for c in callbacks] == [IMMEDIATE_CONSUMERS]
    rows = list(OutboxItem.objects.values_list("consumer", "payload__post_id"))
    assert ("stream.deliver", post.pk) in rows  # beside the other durable consumers (search, webhooks)
    assert drain_outbox() == len(rows)
    assert len(_owners(post)) == 3
    assert not OutboxItem.objects.exists()


def test_deliver_if_small_writes_nothing_for_a_large_audience(employee, follower, make_post, monkeypatch):
    post = make_post(employee, "Déjà livré")
    HomeEntry.objects.all().delete()
    monkeypatch.setattr(timelines, "BATCH", 1)
    assert timelines.deliver_if_small(post) is False
    assert _owners(post) == set()
    monkeypatch.setattr(timelines, "BATCH", 2)
    assert timelines.deliver_if_small(post) is True
    assert _owners(post) == {employee.pk, follower.pk}


def test_a_large_audience_is_delivered_in_batches(employee, make_post, monkeypatch):
    monkeypatch.setattr(timelines, "BATCH", 2)
    readers = {UserFactory().pk for _ in range(5)}
    Follow.objects.bulk_create([Follow(follower_id=pk, followed=employee) for pk in readers])
    post = make_post(employee, "Pour tous mes abonnés")
    assert _owners(post) == {employee.pk, *readers}


def test_trim_leaves_a_short_timeline_alone(employee, make_post):
    make_post(employee, "Seul message")
    assert timelines.trim(owner_id=employee.pk, keep=2) == 0
    assert HomeEntry.objects.filter(owner=employee).count() == 1


def test_delivery_trims_the_timelines_it_samples_back_to_the_cap(employee, follower, make_post, monkeypatch):
    monkeypatch.setattr(timelines, "HOME_TIMELINE_CAP", 3)
    monkeypatch.setattr(timelines, "TRIM_EVERY", 1)  # every timeline written to is sampled
    posts = [make_post(employee, f"n°{i}") for i in range(6)]
    for owner in (employee, follower):
        kept = set(HomeEntry.objects.filter(owner=owner).values_list("post_id", flat=True))
        assert kept == {p.pk for p in posts[-3:]}


def test_delivery_leaves_the_timelines_it_does_not_sample(employee, make_post, monkeypatch):
    monkeypatch.setattr(timelines, "HOME_TIMELINE_CAP", 1)
    monkeypatch.setattr(timelines, "TRIM_EVERY", 10**9)  # in practice, nobody is sampled
    for i in range(3):
        make_post(employee, f"n°{i}")
    assert HomeEntry.objects.filter(owner=employee).count() == 3


def test_the_timeline_has_no_foreign_key_constraints_in_the_database(db):
    """A derived index written thousands of rows a post: the database checks no reference."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, HomeEntry._meta.db_table)
    assert not [name for name, c in constraints.items() if c["foreign_key"]]


def test_deleting_a_post_or_a_person_still_deletes_their_entries(employee, follower, make_post):
    post = make_post(employee, "Bientôt supprimé")
    kept = make_post(employee, "Reste")
    post.delete()
    assert not HomeEntry.objects.filter(post_id=post.pk).exists()
    follower.delete()
    assert not HomeEntry.objects.filter(owner_id=follower.pk).exists()
    assert HomeEntry.objects.filter(owner=employee, post=kept).exists()


@pytest.fixture
def followed_in_space(employee, follower, member, join, make_post):
    """A post by ``employee`` in a space they and ``member`` belong to; ``follower`` is not a member."""

    def _post(space):
        join(employee, space)
        join(member, space)
        return make_post(employee, "Dans l'espace", space=space)

    return _post


def test_a_public_space_post_reaches_the_authors_followers_outside_the_space(
    employee, follower, member, public_space, followed_in_space
):
    """Employees read a public space's posts: the author's followers get them without joining."""
    assert _owners(followed_in_space(public_space)) == {employee.pk, follower.pk, member.pk}


@pytest.mark.parametrize("space_name", ["private_space", "secret_space"])
def test_a_closed_space_post_does_not_reach_followers_outside_it(
    employee, member, followed_in_space, request, space_name
):
    assert _owners(followed_in_space(request.getfixturevalue(space_name))) == {employee.pk, member.pk}
