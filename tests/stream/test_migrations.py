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
