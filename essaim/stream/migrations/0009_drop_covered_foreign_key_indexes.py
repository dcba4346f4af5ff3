"""The stream's tables lose the one-column indexes another index starts with.

Each cost every new row one more page to write (a post wrote about 120 pages on SQLite, 7 of them
these), for lookups and cascades the other index serves as well (``tests/test_indexes.py``). The
indexes are dropped by name rather than by ``AlterField``'s own SQL, which on SQLite copies the
whole table (``stream``'s 0006 did the same).

A post's ``announced_by`` and ``hidden_by`` keep an index for a user's deletion (``SET_NULL``), now
partial: it held an entry for every post, nearly all of them empty.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0004_drop_covered_foreign_key_indexes"),
        ("stream", "0008_home_entry_clustered_on_sqlite"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="comment",
                    name="post",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comments",
                        to="stream.post",
                    ),
                ),
                migrations.AlterField(
                    model_name="mention",
                    name="comment",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mentions",
                        to="stream.comment",
                    ),
                ),
                migrations.AlterField(
                    model_name="mention",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mentions",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="post",
                    name="announced_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="post",
                    name="author",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="posts",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="author",
                    ),
                ),
                migrations.AlterField(
                    model_name="post",
                    name="hidden_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="post",
                    name="space",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="posts",
                        to="spaces.space",
                        verbose_name="space",
                    ),
                ),
                migrations.AlterField(
                    model_name="posttag",
                    name="tag",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="post_tags",
                        to="stream.tag",
                    ),
                ),
                migrations.AlterField(
                    model_name="reaction",
                    name="post",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reactions",
                        to="stream.post",
                    ),
                ),
                migrations.AlterField(
                    model_name="reaction",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reactions",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="tagfollow",
                    name="tag",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="follows",
                        to="stream.tag",
                    ),
                ),
                migrations.AlterField(
                    model_name="tagfollow",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tag_follows",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "stream_comment_post_id_a9538753"',
                    reverse_sql='CREATE INDEX "stream_comment_post_id_a9538753" ON "stream_comment" ("post_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "stream_mention_comment_id_99ec2b85"',
                    reverse_sql='CREATE INDEX "stream_mention_comment_id_99ec2b85" ON "stream_mention" ("comment_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "stream_mention_user_id_9793f6d9"',
                    reverse_sql='CREATE INDEX "stream_mention_user_id_9793f6d9" ON "stream_mention" ("user_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "stream_post_announced_by_id_0ca48a78"',
                    reverse_sql='CREATE INDEX "stream_post_announced_by_id_0ca48a78" ON "stream_post" ("announced_by_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "stream_post_author_id_3c93dfe4"',
                    reverse_sql='CREATE INDEX "stream_post_author_id_3c93dfe4" ON "stream_post" ("author_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "stream_post_hidden_by_id_0446c62e"',
                    reverse_sql='CREATE INDEX "stream_post_hidden_by_id_0446c62e" ON "stream_post" ("hidden_by_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "stream_post_space_id_01c47e0f"',
                    reverse_sql='CREATE INDEX "stream_post_space_id_01c47e0f" ON "stream_post" ("space_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "stream_posttag_tag_id_a389bb85"',
                    reverse_sql='CREATE INDEX "stream_posttag_tag_id_a389bb85" ON "stream_posttag" ("tag_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "stream_reaction_post_id_d040d7f4"',
                    reverse_sql='CREATE INDEX "stream_reaction_post_id_d040d7f4" ON "stream_reaction" ("post_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "stream_reaction_user_id_c679122b"',
                    reverse_sql='CREATE INDEX "stream_reaction_user_id_c679122b" ON "stream_reaction" ("user_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "stream_tagfollow_tag_id_0dbde873"',
                    reverse_sql='CREATE INDEX "stream_tagfollow_tag_id_0dbde873" ON "stream_tagfollow" ("tag_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "stream_tagfollow_user_id_26806a87"',
                    reverse_sql='CREATE INDEX "stream_tagfollow_user_id_26806a87" ON "stream_tagfollow" ("user_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=models.Q(("announced_by__isnull", False)), fields=["announced_by"], name="post_announced_by"
            ),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=models.Q(("hidden_by__isnull", False)), fields=["hidden_by"], name="post_hidden_by"
            ),
        ),
    ]
