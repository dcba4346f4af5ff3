"""Reads of the SAML identity providers."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from essaim.access import visible
from essaim.access.roles import Actor
from essaim.saml.models import ACCOUNT_PREFIX, SamlProvider


def providers_for(*, actor: Actor) -> QuerySet[SamlProvider]:
    return visible(actor, SamlProvider.objects.all())


def provider_get_for(*, actor: Actor, provider_id: int) -> SamlProvider:
    return get_object_or_404(providers_for(actor=actor), pk=provider_id)


def providers_enabled() -> list[SamlProvider]:
    """The providers the sign-in page offers (no permission: anyone may sign in)."""
    return list(SamlProvider.objects.filter(enabled=True).exclude(metadata_xml="").order_by("label", "pk"))


def provider_by_account(account_provider: str) -> SamlProvider | None:
    """The provider of an allauth account named ``saml-<slug>`` (``None``: not SAML's, or deleted)."""
    if not account_provider.startswith(ACCOUNT_PREFIX):
        return None
    return SamlProvider.objects.filter(slug=account_provider.removeprefix(ACCOUNT_PREFIX)).first()
