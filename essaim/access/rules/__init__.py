"""The rules, one module per domain. Importing this package registers them all."""

from essaim.access.rules import api, calendar, mailbox, moderation, network, notifications, people, spaces, stream  # noqa: F401
