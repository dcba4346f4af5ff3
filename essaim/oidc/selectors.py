"""Reads of single sign-on's settings."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from essaim.access import visible
from essaim.access.roles import Actor
from essaim.oidc.models import OidcProvider


def providers_for(*, actor: Actor) -> QuerySet[OidcProvider]:
    return visible(actor, OidcProvider.objects.all())


def provider_get_for(*, actor: Actor, provider_id: int) -> OidcProvider:
    return get_object_or_404(providers_for(actor=actor), pk=provider_id)


def providers_enabled() -> list[OidcProvider]:
    """The providers the sign-in page offers and allauth knows (no permission: anyone may sign in)."""
    return list(OidcProvider.objects.filter(enabled=True).order_by("label", "pk"))


def provider_by_slug(slug: str) -> OidcProvider | None:
    return OidcProvider.objects.filter(slug=slug).first()
