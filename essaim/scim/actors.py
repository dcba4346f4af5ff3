"""The company's directory as an actor: what a SCIM request acts as once its token is checked.

Not a person: ``is_authenticated`` is false, so every rule that asks for someone signed in refuses it, and
only the rules that name it (``access.roles.is_directory``) let it in. The audit log names it by its token.
"""

from __future__ import annotations

from dataclasses import dataclass

from essaim.access.roles import DirectoryActorBase
from essaim.scim.models import ScimToken


@dataclass(frozen=True)
class DirectoryActor(DirectoryActorBase):
    token: ScimToken

    @property
    def audit_name(self) -> str:
        """Stored as written, in no language: the log keeps what it was then."""
        return f"SCIM: {self.token.name} ({self.token.prefix}…)"
