"""SCIM 2.0 provisioning (RFC 7643/7644): the directory's tokens, and what SCIM knows of a person or a
department beyond Essaim's own columns.

A ``ScimToken`` is the company's directory (Okta, Microsoft Entra…) as an actor: shown once, stored as a
SHA-256 hash, revoked by a network administrator. A ``ScimIdentity`` keeps a provisioned person's
``userName``, ``externalId``, employee number, preferred language and the e-mail and phone lists as the
directory sent them (the primary ones also live on ``User.email`` and ``Profile.phone``). A SCIM group
is a department (``people.Department``); ``ScimGroup`` keeps its ``externalId``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScimToken(models.Model):
    name = models.CharField(_("name"), max_length=80, help_text=_("Which directory uses it, e.g. “Okta”."))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("SCIM token")
        verbose_name_plural = _("SCIM tokens")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ScimIdentity(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scim_identity", primary_key=True
    )
    user_name = models.CharField(_("user name"), max_length=255)
    user_name_folded = models.CharField(max_length=255, unique=True, editable=False)  # userName is case-insensitive
    external_id = models.CharField(_("external id"), max_length=255, blank=True, db_index=True)
    employee_number = models.CharField(_("employee number"), max_length=100, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=40, blank=True)
    display_name = models.CharField(_("display name"), max_length=300, blank=True)
    name = models.JSONField(default=dict, blank=True)  # ``{"givenName", "familyName"}`` as sent
    emails = models.JSONField(default=list, blank=True)
    phone_numbers = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by ``DELETE /Users/{id}``: the person is deactivated and the directory no longer finds them (404);
    # provisioning the same userName or address again brings the same account back.
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SCIM identity")
        verbose_name_plural = _("SCIM identities")

    def __str__(self) -> str:
        return self.user_name


class ScimGroup(models.Model):
    department = models.OneToOneField(
        "people.Department", on_delete=models.CASCADE, related_name="scim_group", primary_key=True
    )
    external_id = models.CharField(_("external id"), max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SCIM group")
        verbose_name_plural = _("SCIM groups")

    def __str__(self) -> str:
        return str(self.department_id)
