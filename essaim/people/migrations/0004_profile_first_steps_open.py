"""The newcomer's checklist: closed for everyone already here, opened by ``accounts.user_create``."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_drop_covered_foreign_key_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="first_steps_open",
            field=models.BooleanField(db_default=False, default=False, verbose_name="first steps shown"),
        ),
    ]
