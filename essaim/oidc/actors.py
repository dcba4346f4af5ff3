"""The company's identity provider as an actor: what writes a person's profile from their ID token's claims.

Like the SCIM directory (``scim.actors.DirectoryActor``) it is not a person: never signed in, it may only
provision people and departments (``roles.is_directory``). The audit log names it by its provider.
"""

from __future__ import annotations

from dataclasses import dataclass

from essaim.access.roles import DirectoryActorBase
from essaim.oidc.models import OidcProvider


@dataclass(frozen=True)
class IdentityProviderActor(DirectoryActorBase):
    provider: OidcProvider

    @property
    def audit_name(self) -> str:
        """Stored as written, in no language: the log keeps what it was then."""
        return f"OpenID Connect: {self.provider.label} ({self.provider.slug})"
