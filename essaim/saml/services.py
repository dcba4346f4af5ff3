"""Writes of the SAML identity providers (network administrators only), each in the audit log with what
changed (the metadata is said to have changed, not copied into the log)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from essaim.access import Action, require
from essaim.access.roles import Actor
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.oidc.secrets import seal
from essaim.saml.metadata import sp_key_pair
from essaim.saml.models import SamlProvider

EDITABLE = ("label", "entity_id", "metadata_url", "metadata_xml", "enabled", "account_creation", "claims")


@transaction.atomic
def provider_create(*, actor: Actor, slug: str, **fields: Any) -> SamlProvider:
    """A new provider (``fields``: ``EDITABLE``) with a new key pair for Essaim as its service provider."""
    require(actor, Action.MANAGE_SSO)
    key, certificate = sp_key_pair(f"Essaim {slug}")
    provider = SamlProvider(slug=slug.strip().lower(), sp_key_sealed=seal(key), sp_certificate=certificate, **fields)
    provider.full_clean()
    provider.save()
    record(
        AuditAction.SAML_PROVIDER_ADDED, actor=actor, target=provider, slug=provider.slug, entity_id=provider.entity_id
    )
    return provider


@transaction.atomic
def provider_update(*, actor: Actor, provider: SamlProvider, **fields: Any) -> SamlProvider:
    """Change a provider; the audit entry lists what changed."""
    require(actor, Action.MANAGE_SSO)
    require(actor, Action.EDIT, provider)
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in EDITABLE:
            raise TypeError(f"{name} cannot be changed")
        if getattr(provider, name) != value:
            changes[name] = "changed" if name == "metadata_xml" else {"from": getattr(provider, name), "to": value}
            setattr(provider, name, value)
    if changes:
        provider.full_clean()
        provider.save()
        record(AuditAction.SAML_PROVIDER_CHANGED, actor=actor, target=provider, changes=changes)
    return provider


@transaction.atomic
def provider_delete(*, actor: Actor, provider: SamlProvider) -> None:
    """The provider goes, and with it the links of accounts to it: those people sign in another way."""
    from allauth.socialaccount.models import SocialAccount

    require(actor, Action.MANAGE_SSO)
    require(actor, Action.DELETE, provider)
    links, _kinds = SocialAccount.objects.filter(provider=provider.account_provider).delete()
    record(AuditAction.SAML_PROVIDER_DELETED, actor=actor, target=provider, slug=provider.slug, links_removed=links)
    provider.delete()
