""" "Test connection" for the directory: bind as the service account, look for people and groups as the sync
would, and say in words what works and what does not (never an exception page)."""

from __future__ import annotations

from itertools import islice

from django.utils.translation import gettext as _
from ldap.ldapobject import LDAPObject

from essaim.core.connection_report import Report
from essaim.ldap import client, sync
from essaim.ldap.models import LdapDirectory

SAMPLE = 1000  # people counted at most: enough to see the filter works, quick on a large directory


def _people(report: Report, connection: LDAPObject, directory: LdapDirectory) -> None:
    entries = client.search(
        connection,
        directory,
        base=directory.user_base,
        filterstr=directory.user_filter,
        attributes=sync.attributes_read(directory),
    )
    found = list(islice(entries, SAMPLE))
    if not found:
        report.add(False, client.describe("empty", {"base": directory.user_base}))
        return
    count = f"{len(found)}+" if len(found) == SAMPLE else str(len(found))
    report.add(True, _("People found under %(base)s: %(count)s.") % {"base": directory.user_base, "count": count})
    without = sum(1 for entry in found if not sync.person_from_entry(directory, entry, []).email)
    if without:
        report.add(
            False,
            _("%(count)s of them have no e-mail address (%(attributes)s): they cannot sign in nor be synced.")
            % {"count": without, "attributes": ", ".join(directory.attribute("email"))},
        )


def _groups(report: Report, connection: LDAPObject, directory: LdapDirectory) -> None:
    if not directory.group_base:
        report.add(True, _("No groups' search base: groups are not read."))
        return
    entries = client.search(
        connection, directory, base=directory.group_base, filterstr=directory.group_filter, attributes=["cn"]
    )
    count = sum(1 for _entry in islice(entries, SAMPLE))
    report.add(
        count > 0,
        _("Groups found under %(base)s: %(count)s.") % {"base": directory.group_base, "count": count}
        if count
        else _("No group matches the groups' filter under %(base)s.") % {"base": directory.group_base},
    )


def connection_test(*, directory: LdapDirectory) -> Report:
    report = Report()
    try:
        connection = client.connect(directory)
    except client.DirectoryError as error:
        report.add(False, error.text)
        return report
    try:
        report.add(
            True,
            _("Connected to %(uri)s%(tls)s and bound as %(dn)s.")
            % {
                "uri": directory.server_uri,
                "tls": _(" with StartTLS") if directory.start_tls else "",
                "dn": directory.bind_dn or _("anonymous"),
            },
        )
        _people(report, connection, directory)
        _groups(report, connection, directory)
    except client.DirectoryError as error:
        report.add(False, error.text)
    finally:
        connection.unbind_s()
    return report
