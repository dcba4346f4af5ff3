from __future__ import annotations

from django import template

from essaim.oidc.models import OidcProvider
from essaim.oidc.selectors import providers_enabled

register = template.Library()


@register.simple_tag
def sso_providers() -> list[OidcProvider]:
    """The enabled providers, for the sign-in page's "Sign in with …" buttons."""
    return providers_enabled()
