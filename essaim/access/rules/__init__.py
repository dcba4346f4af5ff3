"""The rules, one module per domain. Importing this package registers them all."""

from essaim.access.rules import api, mailbox, moderation, network, notifications, people, spaces, stream, webhooks  # noqa: F401
