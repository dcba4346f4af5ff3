"""The company's identity provider as an actor: what writes a person's profile from their ID token's claims.

Like the SCIM directory (``scim.actors.DirectoryActor``) it is not a person: never signed in, it may only
provision people and departments (``roles.is_directory``). The audit log names it by its provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from essaim.access.roles import DirectoryActorBase

if TYPE_CHECKING:
    from essaim.oidc.signin import SsoProvider


@dataclass(frozen=True)
class IdentityProviderActor(DirectoryActorBase):
    provider: SsoProvider

    @property
    def audit_name(self) -> str:
        """Stored as written, in no language: the log keeps what it was then."""
        return f"{self.provider.protocol_name}: {self.provider.label} ({self.provider.slug})"
