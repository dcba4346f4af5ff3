"""The audit log: one row per privileged action, written in the action's own transaction, never changed.

Append-only three times over: the model refuses to save an existing row or delete one, its query sets
refuse ``update()`` and ``delete()``, and on PostgreSQL a trigger refuses ``UPDATE`` and ``DELETE`` from any
client (migration 0002; SQLite has no way to tell a test's flush from a tampering, so there the first two
hold). ``TRUNCATE`` stays the table owner's, as dropping the database does.

An entry names its actor and its target by id *and* by the words they had then (``actor_name``,
``target_label``): the log still reads right after a person is renamed, deactivated or erased, and it has no
foreign key that a deletion would cascade through.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Someone tried to change or delete an audit entry."""

    def __init__(self) -> None:
        super().__init__("The audit log is append-only: its entries are never changed nor deleted.")


class AuditAction(models.TextChoices):
    USER_DEACTIVATED = "user.deactivated", _("Account deactivated")
    USER_REACTIVATED = "user.reactivated", _("Account reactivated")
    ROLE_GRANTED = "user.role_granted", _("Network role granted")
    ROLE_WITHDRAWN = "user.role_withdrawn", _("Network role withdrawn")
    CREDENTIALS_REVOKED = "user.credentials_revoked", _("Sessions, reset links and API tokens revoked")
    ACCOUNT_ERASED = "user.erased", _("Account erased with everything it wrote")
    ACCOUNT_ANONYMISED = "user.anonymised", _("Account anonymised, what it wrote kept")
    INVITATION_SENT = "invitation.sent", _("Invitation sent")
    INVITATION_RESENT = "invitation.resent", _("Invitation sent again")
    INVITATION_REVOKED = "invitation.revoked", _("Invitation revoked")
    NETWORK_SETTINGS_CHANGED = "network.settings_changed", _("Network settings changed")
    NETWORK_RENAMED = "network.renamed", _("Network renamed")
    PROFILE_FIELD_CREATED = "profile_field.created", _("Profile field created")
    PROFILE_FIELD_CHANGED = "profile_field.changed", _("Profile field changed")
    PROFILE_FIELD_DELETED = "profile_field.deleted", _("Profile field deleted")
    SPACE_ROLE_CHANGED = "space.role_changed", _("Member's role in a space changed")
    SPACE_MEMBER_REMOVED = "space.member_removed", _("Member removed from a space")
    SPACE_SETTINGS_CHANGED = "space.settings_changed", _("Space settings changed")
    SPACE_ARCHIVED = "space.archived", _("Space archived")
    SPACE_UNARCHIVED = "space.unarchived", _("Space restored from the archive")
    SPACE_DELETED = "space.deleted", _("Space deleted")
    POST_HIDDEN = "post.hidden", _("Post hidden by a moderator")
    POST_SHOWN = "post.shown", _("Hidden post shown again")
    POST_APPROVED = "post.approved", _("Post approved by a moderator")
    POST_REJECTED = "post.rejected", _("Post rejected by a moderator")
    REPORT_DISMISSED = "report.dismissed", _("Report dismissed")
    CONTENT_DELETED = "content.deleted", _("Post or comment deleted by a moderator")
    AUTHOR_WARNED = "user.warned", _("Author warned by a moderator")
    ACCOUNT_SUSPENDED = "user.suspended", _("Account suspended")
    BACKUP_REQUESTED = "backup.requested", _("Backup requested")
    BACKUP_DOWNLOADED = "backup.downloaded", _("Backup downloaded")
    AUDIT_EXPORTED = "audit.exported", _("Audit log exported")
    CHARTER_PUBLISHED = "charter.published", _("Usage charter published")
    SPACE_CHARTER_PUBLISHED = "charter.space_published", _("Space's usage charter published")
    CHARTER_ACCEPTANCES_EXPORTED = "charter.acceptances_exported", _("Usage charter acceptances exported")
    WATCH_RULE_CREATED = "watch_rule.created", _("Watch rule created")
    WATCH_RULE_CHANGED = "watch_rule.changed", _("Watch rule changed")
    WATCH_RULE_DELETED = "watch_rule.deleted", _("Watch rule deleted")
    WATCH_HIT_DECIDED = "watch_hit.decided", _("Watch rule match reviewed")
    RETENTION_SET = "retention.set", _("Retention policy set")
    RETENTION_REMOVED = "retention.removed", _("Retention policy removed")
    RETENTION_APPLIED = "retention.applied", _("Retention policy applied")
    LEGAL_HOLD_PLACED = "legal_hold.placed", _("Legal hold placed")
    LEGAL_HOLD_RELEASED = "legal_hold.released", _("Legal hold released")
    COMPLIANCE_EXPORT_REQUESTED = "compliance_export.requested", _("Compliance export requested")
    COMPLIANCE_EXPORT_DOWNLOADED = "compliance_export.downloaded", _("Compliance export downloaded")
    SCIM_TOKEN_CREATED = "scim.token_created", _("Directory provisioning (SCIM) token created")
    SCIM_TOKEN_REVOKED = "scim.token_revoked", _("Directory provisioning (SCIM) token revoked")
    USER_PROVISIONED = "user.provisioned", _("Account created by the company's directory")
    USER_DIRECTORY_UPDATED = "user.directory_updated", _("Account updated by the company's directory")
    DEPARTMENT_PROVISIONED = "department.provisioned", _("Department created by the company's directory")
    DEPARTMENT_DIRECTORY_UPDATED = "department.directory_updated", _("Department updated by the company's directory")
    DEPARTMENT_DIRECTORY_DELETED = "department.directory_deleted", _("Department deleted by the company's directory")
    SSO_PROVIDER_ADDED = "sso.provider_added", _("Single sign-on (OpenID Connect) provider added")
    SSO_PROVIDER_CHANGED = "sso.provider_changed", _("Single sign-on (OpenID Connect) provider changed")
    SSO_PROVIDER_DELETED = "sso.provider_deleted", _("Single sign-on (OpenID Connect) provider deleted")
    SAML_PROVIDER_ADDED = "saml.provider_added", _("Single sign-on (SAML) identity provider added")
    SAML_PROVIDER_CHANGED = "saml.provider_changed", _("Single sign-on (SAML) identity provider changed")
    SAML_PROVIDER_DELETED = "saml.provider_deleted", _("Single sign-on (SAML) identity provider deleted")
    LDAP_DIRECTORY_CHANGED = "ldap.directory_changed", _("Company directory (LDAP) settings changed")
    LDAP_SYNC_REQUESTED = "ldap.sync_requested", _("Company directory (LDAP) sync started by hand")


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError


class AuditEntry(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor_id = models.BigIntegerField(_("actor's id"), null=True, blank=True)  # None: the system (a job, a rule)
    actor_name = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=64, choices=AuditAction.choices)
    target_type = models.CharField(_("target's kind"), max_length=60, blank=True)
    target_id = models.CharField(_("target's id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    space_id = models.BigIntegerField(_("space's id"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects: ClassVar[models.Manager[AuditEntry]] = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["actor_id", "-id"], name="audit_by_actor"),
            models.Index(fields=["action", "-id"], name="audit_by_action"),
            models.Index(fields=["target_id", "-id"], name="audit_by_target"),
            models.Index(fields=["at"], name="audit_by_time"),
            models.Index(fields=["target_label", "-id"], name="audit_by_target_label"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name or '—'} {self.action} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError


class AuditTargetLabel(models.Model):
    """Each distinct ``target_label`` of the log, once (a few thousand rows against millions of entries).

    The viewer's search by words of a target's name reads these, then the entries with the labels found
    through ``audit_by_target_label``: reading a million entries' labels took 150 ms. Written by ``record``
    with its entry; not part of the log itself (it holds nothing the entries do not), so not append-only.
    """

    label = models.CharField(_("target"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("audit target's name")
        verbose_name_plural = _("audit targets' names")

    def __str__(self) -> str:
        return self.label
