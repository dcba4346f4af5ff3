"""Authentication backends: Django's and allauth's, loading the signed-in person with their profile.

Every page shows the reader's photo in the top bar: loading the profile with the user saves
a query on each of them (``get_user`` runs once per request, for ``request.user``).
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from essaim.accounts.models import User


class WithProfile(DjangoModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("profile").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(WithProfile):
    """Django's backend (the sign-in by handle or e-mail address, ``accounts.views``)."""


class AuthenticationBackend(WithProfile, AllauthBackend):
    """allauth's backend (sign-in, sign-up and password reset pages)."""
