from __future__ import annotations

from django import template

from essaim.saml.models import SamlProvider
from essaim.saml.selectors import providers_enabled

register = template.Library()


@register.simple_tag
def saml_providers() -> list[SamlProvider]:
    """The enabled SAML providers, for the sign-in page's "Sign in with …" buttons."""
    return providers_enabled()
