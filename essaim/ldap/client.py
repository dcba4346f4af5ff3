"""Talking to the directory with python-ldap: time limits, StartTLS, the service account's bind, paged
searches (Active Directory answers at most 1,000 entries a page), and every failure as a sentence for the
administrator (``DirectoryError.text``, in the language of whoever reads it, not of the worker that met it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ldap
from django.utils.translation import gettext as _
from ldap.controls import SimplePagedResultsControl
from ldap.ldapobject import LDAPObject

from essaim.core.secrets import unseal
from essaim.ldap.models import LdapDirectory

TIMEOUT_S = 10
PAGE_SIZE = 500
PASSWORD_PURPOSE = "essaim.ldap.bind-password"  # noqa: S105 - what the key is derived for, not a secret
UNREACHABLE = (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR)

Entry = tuple[str, dict[str, list[bytes]]]


class DirectoryError(Exception):
    """A failure met talking to the directory, kept as a code and its values so that it can be said later in
    the reader's language (the sync's last error is stored so: ``LdapDirectory.last_sync_summary``)."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    @property
    def text(self) -> str:
        return describe(self.code, self.params)


def describe(code: str, params: dict[str, Any]) -> str:
    texts = {
        "unreachable": _(
            "The directory server %(uri)s cannot be reached (%(reason)s). Check its address and port, and that "
            "it is running and reachable from Essaim's server."
        ),
        "start_tls": _(
            "StartTLS with %(uri)s failed (%(reason)s): the server does not offer it, or its certificate is not "
            "trusted by Essaim's server."
        ),
        "bind": _("The directory refused the bind DN or its password (%(dn)s). Check both."),
        "no_password": _("The bind password cannot be read (the site's secret key changed?): enter it again."),
        "no_base": _("The search base %(base)s does not exist in the directory."),
        "filter": _("The directory refused the filter %(filter)s: write it as an LDAP filter, in parentheses."),
        "not_configured": _("Enter the server's address and the people's search base first."),
        "empty": _(
            "No one matches the people's filter under %(base)s: nobody was deactivated. Check the base and the filter."
        ),
        "other": _("The directory answered with an error: %(reason)s."),
    }
    return texts.get(code, texts["other"]) % {"reason": code, **params}


def _reason(error: ldap.LDAPError) -> str:
    info = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    return str(info.get("info") or info.get("desc") or type(error).__name__)


def error_for(
    error: ldap.LDAPError, directory: LdapDirectory, *, base: str = "", filterstr: str = ""
) -> DirectoryError:
    """``error`` as the administrator needs to hear it."""
    if isinstance(error, UNREACHABLE):
        return DirectoryError("unreachable", uri=directory.server_uri, reason=_reason(error))
    if isinstance(error, ldap.INVALID_CREDENTIALS):
        return DirectoryError("bind", dn=directory.bind_dn or _("anonymous"))
    if isinstance(error, ldap.NO_SUCH_OBJECT):
        return DirectoryError("no_base", base=base)
    if isinstance(error, ldap.FILTER_ERROR):
        return DirectoryError("filter", filter=filterstr)
    return DirectoryError("other", reason=_reason(error))


def options() -> dict[int, Any]:
    """The connection's options, for the sync and for django-auth-ldap alike: never wait long, never chase
    Active Directory's referrals."""
    return {ldap.OPT_NETWORK_TIMEOUT: TIMEOUT_S, ldap.OPT_TIMEOUT: TIMEOUT_S, ldap.OPT_REFERRALS: 0}


def bind_password(directory: LdapDirectory) -> str:
    return unseal(directory.bind_password_sealed, purpose=PASSWORD_PURPOSE)


def connect(directory: LdapDirectory) -> LDAPObject:
    """A connection bound as the service account (anonymously when there is no bind DN), or ``DirectoryError``."""
    if not directory.server_uri or not directory.user_base:
        raise DirectoryError("not_configured")
    password = bind_password(directory)
    if directory.bind_dn and not password:
        raise DirectoryError("no_password")
    connection = ldap.initialize(directory.server_uri, bytes_mode=False)
    for option, value in options().items():
        connection.set_option(option, value)
    try:
        if directory.start_tls:
            try:
                connection.start_tls_s()
            except ldap.LDAPError as error:
                if isinstance(error, ldap.SERVER_DOWN | ldap.TIMEOUT):
                    raise
                raise DirectoryError("start_tls", uri=directory.server_uri, reason=_reason(error)) from None
        connection.simple_bind_s(directory.bind_dn, password)
    except ldap.LDAPError as error:
        raise error_for(error, directory) from None
    return connection


def search(
    connection: LDAPObject, directory: LdapDirectory, *, base: str, filterstr: str, attributes: list[str]
) -> Iterator[Entry]:
    """Every entry under ``base`` that ``filterstr`` matches, page after page (``DirectoryError`` on failure)."""
    control = SimplePagedResultsControl(True, size=PAGE_SIZE, cookie="")
    while True:
        try:
            msgid = connection.search_ext(
                base, ldap.SCOPE_SUBTREE, filterstr, attributes or None, serverctrls=[control]
            )
            _type, entries, _msgid, controls = connection.result3(msgid)
        except ldap.LDAPError as error:
            raise error_for(error, directory, base=base, filterstr=filterstr) from None
        for dn, attrs in entries:
            if dn is not None and isinstance(attrs, dict):  # not a referral
                yield dn, attrs
        cookie = next((c.cookie for c in controls if c.controlType == SimplePagedResultsControl.controlType), b"")
        if not cookie:
            return
        control.cookie = cookie


def read_entry(connection: LDAPObject, directory: LdapDirectory, *, dn: str, attributes: list[str]) -> Entry | None:
    """The entry ``dn`` (``None`` if it is gone), with ``attributes``."""
    try:
        found = connection.search_s(dn, ldap.SCOPE_BASE, "(objectClass=*)", attributes or None)
    except ldap.NO_SUCH_OBJECT:
        return None
    except ldap.LDAPError as error:
        raise error_for(error, directory, base=dn) from None
    return next(((d, a) for d, a in found if d is not None), None)
