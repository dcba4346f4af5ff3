"""Data migrations of the stream."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("stream", "0004_post_moderation")]
AFTER = [("stream", "0005_post_attachment_count")]


@pytest.mark.django_db(transaction=True)
def test_the_attachment_counter_counts_the_files_of_earlier_posts() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    user = apps.get_model("accounts", "User").objects.create(handle="ancien", email="ancien@example.com")
    post_model, attachment_model = apps.get_model("stream", "Post"), apps.get_model("stream", "Attachment")
    with_files = post_model.objects.create(author=user, body="Deux fichiers")
    without = post_model.objects.create(author=user, body="Rien")
    for name in ("a.pdf", "b.pdf"):
        attachment_model.objects.create(post=with_files, uploaded_by=user, original_name=name, file=name, size=1)
    attachment_model.objects.create(post=None, uploaded_by=user, original_name="c.pdf", file="c.pdf", size=1)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    post_model = executor.loader.project_state(AFTER).apps.get_model("stream", "Post")
    assert post_model.objects.get(pk=with_files.pk).attachment_count == 2
    assert post_model.objects.get(pk=without.pk).attachment_count == 0
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_home_timeline_keeps_its_entries_and_indexes_across_its_remake() -> None:
    """0008 copies the timeline into a table stored in key order on SQLite (a no-op elsewhere),
    and back when unapplied."""
    before, after = (
        [("stream", "0007_home_entry_without_foreign_key_constraints")],
        [("stream", "0008_home_entry_clustered_on_sqlite")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    user = apps.get_model("accounts", "User").objects.create(handle="lectrice", email="lectrice@example.com")
    posts = [apps.get_model("stream", "Post").objects.create(author=user, body=f"n°{i}") for i in range(3)]
    entry_model = apps.get_model("stream", "HomeEntry")
    entry_model.objects.bulk_create([entry_model(owner=user, post=post) for post in reversed(posts)])

    def state() -> tuple[list[tuple[int, int]], list[list[str]]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT owner_id, post_id FROM stream_homeentry ORDER BY owner_id, post_id")
            rows = [tuple(row) for row in cursor.fetchall()]
            constraints = connection.introspection.get_constraints(cursor, "stream_homeentry")
        return rows, sorted(c["columns"] for c in constraints.values() if c["index"] or c["primary_key"])

    kept = state()
    assert kept[0] == [(user.pk, post.pk) for post in posts]
    for target in (after, before, after):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(target)
        assert state() == kept
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
