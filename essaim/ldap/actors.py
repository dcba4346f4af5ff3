"""The company's LDAP directory as an actor: what the sync and the sign-in write profiles as.

Like the SCIM directory (``scim.actors.DirectoryActor``) it is not a person: it may only provision people and
departments (``roles.is_directory``). The audit log names it by its server.
"""

from __future__ import annotations

from dataclasses import dataclass

from essaim.access.roles import DirectoryActorBase


@dataclass(frozen=True)
class LdapDirectoryActor(DirectoryActorBase):
    server_uri: str

    @property
    def audit_name(self) -> str:
        """Stored as written, in no language: the log keeps what it was then."""
        return f"LDAP: {self.server_uri}"
