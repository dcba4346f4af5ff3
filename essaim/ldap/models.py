"""The company's LDAP directory (OpenLDAP, Active Directory…), configured by network administrators in
/manage/ldap/: people sign in with their directory password (``backend.DirectoryBackend``), and a periodic
sync (``sync.run``) writes their profiles, puts them in departments from their groups, and deactivates
those who left the directory.

One directory per network (``LdapDirectory.get``). The bind password is sealed (``core.secrets``) and never
shown back. ``LdapIdentity`` links an account to its directory entry by DN.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The profile fields an attribute fills, with the attributes read by default (OpenLDAP's inetOrgPerson;
# Active Directory's names in docs/identity.md). Several names separated by spaces: the first one the entry has.
DEFAULT_ATTRIBUTES = {
    "email": "mail",
    "given_name": "givenName",
    "family_name": "sn",
    "job_title": "title",
    "department": "departmentNumber department",
    "site": "l physicalDeliveryOfficeName",
    "phone": "telephoneNumber",
    "manager": "manager",
    "photo": "jpegPhoto thumbnailPhoto",
}
DEFAULT_USER_FILTER = "(objectClass=inetOrgPerson)"
DEFAULT_GROUP_FILTER = "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=group))"


def _default_attributes() -> dict[str, str]:
    return dict(DEFAULT_ATTRIBUTES)


class LdapDirectory(models.Model):
    enabled = models.BooleanField(_("enabled"), default=False)
    server_uri = models.CharField(_("server address"), max_length=300, blank=True)
    start_tls = models.BooleanField(_("StartTLS"), default=False)
    bind_dn = models.CharField(_("bind DN"), max_length=500, blank=True)
    bind_password_sealed = models.TextField(editable=False, blank=True)
    user_base = models.CharField(_("people's search base"), max_length=500, blank=True)
    user_filter = models.CharField(_("people's filter"), max_length=500, default=DEFAULT_USER_FILTER)
    login_attribute = models.CharField(_("sign-in attribute"), max_length=60, default="mail")
    group_base = models.CharField(_("groups' search base"), max_length=500, blank=True)
    group_filter = models.CharField(_("groups' filter"), max_length=500, default=DEFAULT_GROUP_FILTER)
    attributes = models.JSONField(_("attributes"), default=_default_attributes, blank=True)
    sync_every_minutes = models.PositiveIntegerField(_("sync every (minutes)"), default=60)
    deprovision = models.BooleanField(_("deactivate people who leave the directory"), default=True)
    # The sync's state (``sync``): when it runs next, what the last run found, the failures in a row.
    next_sync_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_sync_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_sync_ok = models.BooleanField(null=True, editable=False)
    last_sync_summary = models.JSONField(default=dict, blank=True, editable=False)
    failures = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("LDAP directory")
        verbose_name_plural = _("LDAP directories")

    def __str__(self) -> str:
        return self.server_uri or "LDAP"

    @classmethod
    def get(cls) -> LdapDirectory:
        """The network's directory (a disabled, empty one until an administrator configures it)."""
        directory, _created = cls.objects.get_or_create(pk=1)
        return directory

    def attribute(self, field: str) -> list[str]:
        """The attributes that fill ``field``, in order (none: the field is left alone)."""
        value: Any = (self.attributes or {}).get(field, DEFAULT_ATTRIBUTES.get(field, ""))
        return value.split() if isinstance(value, str) else []


class LdapIdentity(models.Model):
    """An account the directory knows: its entry's DN (``dn_folded``: lowercased, what matches), when the
    sync last found it, and when it deactivated it for leaving the directory."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ldap_identity")
    dn = models.CharField(max_length=1000)
    dn_folded = models.CharField(max_length=1000, unique=True)
    seen_at = models.DateTimeField()
    deprovisioned_at = models.DateTimeField(null=True, blank=True)
    photo_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("directory identity")
        verbose_name_plural = _("directory identities")

    def __str__(self) -> str:
        return self.dn
