"""Password-reset links that die with a deactivation.

allauth's generator (Django's, plus the person's e-mail addresses) hashes the password and the last
sign-in: a link sent before a deactivation would work again after the reactivation. This one also
hashes the last revocation (``User.credentials_revoked_at``). ``ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR``
names it; allauth imports it while its forms module loads, so nothing else should import this module first.
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import EmailAwarePasswordResetTokenGenerator


class PasswordResetTokenGenerator(EmailAwarePasswordResetTokenGenerator):
    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        value = super()._make_hash_value(user, timestamp)
        revoked = getattr(user, "credentials_revoked_at", None)
        return value if revoked is None else f"{value}|revoked:{revoked.timestamp()}"
