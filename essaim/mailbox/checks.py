"""``manage.py check --deploy``: a production network without a mail server keeps its mail in the outbox."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

from essaim.mailbox.backends import outbox_enabled


@register(Tags.security, deploy=True)
def outbox_in_production(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or not outbox_enabled():
        return []
    return [
        Warning(
            "No mail server is configured: e-mails stay in the outbox, where every network administrator "
            "can read them, password-reset links included.",
            hint="Set ESSAIM_EMAIL_HOST (docs/configuration.md).",
            id="essaim.mailbox.W001",
        )
    ]
