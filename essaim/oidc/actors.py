"""The company's identity provider as an actor: what writes a person's profile from their ID token's claims.

Like the SCIM directory (``scim.actors.DirectoryActor``) it is not a person: never signed in, it may only
provision people and departments (``roles.is_directory``). The audit log names it by its provider.
"""

from __future__ import annotations

from dataclasses import dataclass

from essaim.oidc.models import OidcProvider


@dataclass(frozen=True)
class IdentityProviderActor:
    provider: OidcProvider
    is_directory: bool = True
    is_authenticated: bool = False
    is_anonymous: bool = False
    is_active: bool = True
    is_superuser: bool = False
    is_network_admin: bool = False
    pk: None = None
    kind: str = "directory"

    @property
    def audit_name(self) -> str:
        """Stored as written, in no language: the log keeps what it was then."""
        return f"OpenID Connect: {self.provider.label} ({self.provider.slug})"
