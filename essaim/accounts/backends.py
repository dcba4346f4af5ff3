"""Authentication backends: Django's and allauth's, with the signed-in user read in one statement.

Every signed-in request loads its user (``ModelBackend.get_user``), and most pages then load the
user's profile for the top bar's photo: two ORM queries, each several times longer to build than
to run (bench/README.md). These backends read both in one statement written once and return the
ORM's own instances (``core.rows``), the profile cached on the user as ``select_related`` would.
Signing in (``authenticate``) is unchanged.

Sessions name the backend that signed their user in. Those written before these backends existed
name Django's or allauth's path; ``accounts.sessions`` reads them as the matching path here
(:data:`RENAMED`), so nobody is signed out.
"""

from __future__ import annotations

from typing import Any

from allauth.account import auth_backends
from asgiref.sync import sync_to_async
from django.contrib.auth import backends
from django.db.backends.base.base import BaseDatabaseWrapper

from essaim.accounts.models import User
from essaim.core.rows import ModelColumns, attach, database, fetch, statement
from essaim.people.models import Profile

_USER = ModelColumns(User, "u")
_PROFILE = ModelColumns(Profile, "pr")


@statement
def _sql(db: BaseDatabaseWrapper) -> str:
    return (
        f"SELECT {_USER.select(db)}, {_PROFILE.select(db)} FROM {User._meta.db_table} u "  # noqa: S608 - model names
        f"LEFT JOIN {Profile._meta.db_table} pr ON pr.user_id = u.id WHERE u.id = %s"
    )


def signed_in_user(user_id: Any) -> User | None:
    """The user ``user_id`` with their profile attached (``None`` if there is no such user)."""
    db = database()
    rows = fetch(_sql(), [User._meta.pk.to_python(user_id)])
    if not rows:
        return None
    user = _USER.build(rows[0], 0, db)
    if user is not None:
        attach(user, "profile", _PROFILE.build(rows[0], _USER.width, db))
    return user


class SignedInUserMixin:
    """``get_user`` in one statement (also the LDAP directory's backend's, ``ldap.backend``)."""

    def get_user(self, user_id: Any) -> User | None:
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]

    async def aget_user(self, user_id: Any) -> User | None:
        """The same under ASGI (``ModelBackend`` has its own, through the ORM)."""
        return await sync_to_async(self.get_user)(user_id)


class ModelBackend(SignedInUserMixin, backends.ModelBackend):
    """Django's ``ModelBackend`` (handle or e-mail address and password, permissions)."""


class AuthenticationBackend(SignedInUserMixin, auth_backends.AuthenticationBackend):
    """allauth's backend (its sign-in forms, rate limits and login by e-mail)."""


RENAMED = {
    "django.contrib.auth.backends.ModelBackend": f"{__name__}.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": f"{__name__}.AuthenticationBackend",
}
