"""The deployment check: a production network without a mail server is told about its outbox."""

from __future__ import annotations

from essaim.mailbox.checks import outbox_in_production

OUTBOX = {"default": {"BACKEND": "essaim.mailbox.backends.OutboxBackend"}}
SMTP = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"host": "mail"}}}


def test_production_with_the_outbox_is_warned(settings) -> None:
    settings.DEBUG, settings.MAILERS = False, OUTBOX
    assert [message.id for message in outbox_in_production()] == ["essaim.mailbox.W001"]


def test_development_or_a_mail_server_is_not(settings) -> None:
    settings.DEBUG, settings.MAILERS = True, OUTBOX
    assert outbox_in_production() == []
    settings.DEBUG, settings.MAILERS = False, SMTP
    assert outbox_in_production() == []
