"""The rules, one module per domain. Importing this package registers them all."""

from essaim.access.rules import (  # noqa: F401
    api,
    calendar,
    compliance,
    feeds,
    ideas,
    mailbox,
    moderation,
    mustread,
    network,
    notifications,
    people,
    praise,
    privacy,
    scim,
    spaces,
    stream,
    syndication,
    watchrules,
    webhooks,
)
