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
    personal_keys,
    praise,
    privacy,
    scim,
    spaces,
    sso,
    stream,
    watchrules,
    webhooks,
)
