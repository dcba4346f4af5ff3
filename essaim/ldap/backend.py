"""Sign-in with the directory's password: django-auth-ldap's backend, configured from /manage/ldap/ rather
than from settings, after Essaim's own backends (a local password is tried first).

django-auth-ldap finds the entry (the people's filter and ``login_attribute`` = what the person typed, bound
as the service account) and binds as it with the password typed. Then Essaim links the account as the sync
does (``sync.person_link``: by DN, by address, or a new account) and writes the profile from the entry read
again as the sync reads it (``sync.profile_apply``). A directory that cannot be reached is noted on the
request (``UNREACHABLE_FLAG``) so that the sign-in form says so (``accounts.adapter``) rather than "wrong
password"; a local password still works then.
"""

from __future__ import annotations

from typing import Any

import ldap
from django.dispatch import receiver
from django.http import HttpRequest
from django_auth_ldap.backend import LDAPBackend, _LDAPUser, ldap_error
from django_auth_ldap.config import LDAPSearch, LDAPSettings

from essaim.accounts.backends import SignedInUserMixin
from essaim.accounts.models import User
from essaim.ldap import client, selectors, sync
from essaim.ldap.actors import LdapDirectoryActor
from essaim.ldap.models import LdapDirectory

UNREACHABLE_FLAG = "essaim_directory_unreachable"


def ldap_settings(directory: LdapDirectory) -> LDAPSettings:
    search = f"(&{directory.user_filter}({directory.login_attribute}=%(user)s))"
    return LDAPSettings(
        "ESSAIM_LDAP_UNUSED_",  # no setting of Django's: every value below comes from the directory's row
        {
            "SERVER_URI": directory.server_uri,
            "START_TLS": directory.start_tls,
            "BIND_DN": directory.bind_dn,
            "BIND_PASSWORD": client.bind_password(directory),
            "USER_SEARCH": LDAPSearch(directory.user_base, ldap.SCOPE_SUBTREE, search),
            "CONNECTION_OPTIONS": client.options(),
            "USER_ATTRLIST": ["dn"],
            "ALWAYS_UPDATE_USER": False,
            "MIRROR_GROUPS": False,
            "FIND_GROUP_PERMS": False,
        },
    )


def person_sign_in(directory: LdapDirectory, dn: str) -> User | None:
    """The account of the entry ``dn`` that just proved its password, linked and its profile written."""
    connection = client.connect(directory)
    try:
        entry = client.read_entry(connection, directory, dn=dn, attributes=sync.attributes_read(directory))
        groups = sync.groups_by_member(connection, directory) if entry is not None else {}
    finally:
        connection.unbind_s()
    if entry is None:
        return None
    actor = LdapDirectoryActor(server_uri=directory.server_uri)
    person = sync.person_from_entry(directory, entry, groups.get(sync.fold(entry[0]), []))
    link = sync.person_link(actor=actor, person=person)
    if link is None:
        return None
    user, identity = link
    if user.is_active:
        sync.profile_apply(actor=actor, person=person, user=user, identity=identity)
    return user


class DirectoryBackend(SignedInUserMixin, LDAPBackend):
    def authenticate(  # allauth signs in by ``email``
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        email: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        directory = selectors.directory_enabled()
        login = email or username
        if directory is None or not login or not password:
            return None
        self._directory = directory
        self.settings = ldap_settings(directory)
        user: User | None = super().authenticate(request, username=login, password=password)
        return user

    def get_or_build_user(self, username: str, ldap_user: _LDAPUser) -> tuple[User, bool]:
        try:
            user = person_sign_in(self._directory, ldap_user.dn)
        except client.DirectoryError as error:
            raise ldap_user.AuthenticationFailed(error.code) from None
        if user is None:
            raise ldap_user.AuthenticationFailed("no account for this entry")
        return user, False

    def user_can_authenticate(self, user: User) -> bool:
        return bool(user.is_active)


@receiver(ldap_error, sender=DirectoryBackend)
def _note_unreachable(sender: Any, context: str, user: Any, request: Any, exception: Exception, **kwargs: Any) -> None:
    if request is not None and isinstance(exception, client.UNREACHABLE):
        setattr(request, UNREACHABLE_FLAG, True)
