"""Writes of single sign-on's settings: the OpenID Connect providers (network administrators only).

Every change is in the audit log with what changed (a new secret is said to have changed, never shown).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from essaim.access import Action, require
from essaim.access.roles import Actor
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.oidc.models import OidcProvider
from essaim.oidc.secrets import seal

EDITABLE = ("label", "issuer", "client_id", "enabled", "account_creation", "claims")


def _normalise(issuer: str) -> str:
    return issuer.strip().rstrip("/")


@transaction.atomic
def provider_create(*, actor: Actor, slug: str, secret: str, **fields: Any) -> OidcProvider:
    """A new provider (``fields``: ``EDITABLE``); its secret is sealed before it is stored."""
    require(actor, Action.MANAGE_SSO)
    provider = OidcProvider(slug=slug.strip().lower(), secret_sealed=seal(secret), **fields)
    provider.issuer = _normalise(provider.issuer)
    provider.full_clean()
    provider.save()
    record(AuditAction.SSO_PROVIDER_ADDED, actor=actor, target=provider, slug=provider.slug, issuer=provider.issuer)
    return provider


@transaction.atomic
def provider_update(*, actor: Actor, provider: OidcProvider, secret: str = "", **fields: Any) -> OidcProvider:
    """Change a provider; an empty ``secret`` keeps the one stored. The audit entry lists what changed."""
    require(actor, Action.MANAGE_SSO)
    require(actor, Action.EDIT, provider)
    if "issuer" in fields:
        fields["issuer"] = _normalise(fields["issuer"])
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in EDITABLE:
            raise TypeError(f"{name} cannot be changed")
        if getattr(provider, name) != value:
            changes[name] = {"from": getattr(provider, name), "to": value}
            setattr(provider, name, value)
    if secret:
        provider.secret_sealed = seal(secret)
        changes["secret"] = "changed"  # noqa: S105 - the fact, never the value
    if changes:
        provider.full_clean()
        provider.save()
        record(AuditAction.SSO_PROVIDER_CHANGED, actor=actor, target=provider, changes=changes)
    return provider


@transaction.atomic
def provider_delete(*, actor: Actor, provider: OidcProvider) -> None:
    """The provider goes, and with it the links of accounts to it: those people sign in another way."""
    from allauth.socialaccount.models import SocialAccount

    require(actor, Action.MANAGE_SSO)
    require(actor, Action.DELETE, provider)
    links, _kinds = SocialAccount.objects.filter(provider=provider.slug).delete()
    record(AuditAction.SSO_PROVIDER_DELETED, actor=actor, target=provider, slug=provider.slug, links_removed=links)
    provider.delete()
