"""Personal API tokens: one person's key for scripts, shown once, stored as a SHA-256 hash."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PersonalToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="personal_tokens",
        verbose_name=_("user"),
        db_index=False,  # ``token_user_active``
    )
    name = models.CharField(
        _("name"), max_length=80, help_text=_("What this token is for, e.g. “Weekly report script”.")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal API token")
        verbose_name_plural = _("personal API tokens")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["user", "revoked_at"], name="token_user_active")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AppRegistration(models.Model):
    """What Mastodon's ``POST /api/v1/apps`` records beside django-oauth-toolkit's application: the scopes the app
    may ask for (an authorisation asks for some of them) and its website."""

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="registration", primary_key=True
    )
    scopes = models.CharField(_("scopes"), max_length=1000, default="read")
    website = models.URLField(_("website"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("app registration")
        verbose_name_plural = _("app registrations")

    def __str__(self) -> str:
        return str(self.application_id)

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()


class IdempotencyKey(models.Model):
    """A status written through the API with Mastodon's ``Idempotency-Key`` header: the same key sent again by the
    same person within an hour answers this status instead of writing another (``api.idempotency``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # ``idempotency_key_once``
    )
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)  # SHA-256 of the request's parsed body: a key is for one request
    status_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.key} → {self.status_id}"
