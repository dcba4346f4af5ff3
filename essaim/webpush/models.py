"""Web Push for Mastodon apps: the network's VAPID key pair, and one push subscription per app's access token."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VapidKey(models.Model):
    """The network's VAPID key pair (RFC 8292), one row (``pk=1``), made on first use (``keys``): push services
    check that what Essaim sends is signed by the key an app subscribed with. The private key is sealed with a
    key derived from ``SECRET_KEY``; ``ESSAIM_VAPID_PRIVATE_KEY`` replaces the row altogether."""

    public_key = models.CharField(max_length=100)  # the uncompressed P-256 point, base64url (what apps are given)
    private_key_sealed = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("VAPID key")
        verbose_name_plural = _("VAPID keys")

    def __str__(self) -> str:
        return self.public_key


class PushSubscription(models.Model):
    """Where an app wants a person's notifications pushed (Mastodon's Web::PushSubscription): one per access
    token, gone with it (a revoked app is told nothing more). ``alerts`` says which types it wants, ``policy``
    from whom; the keys encrypt what is sent (RFC 8291), so only the app can read it."""

    class Policy(models.TextChoices):
        ALL = "all", _("Everyone")
        FOLLOWED = "followed", _("People I follow")
        FOLLOWER = "follower", _("People who follow me")
        NONE = "none", _("Nobody")

    access_token = models.OneToOneField(
        "oauth2_provider.AccessToken", on_delete=models.CASCADE, related_name="push_subscription"
    )
    # Indexed by ``push_subscription_user``: who a new notification is pushed to, in one lookup.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    endpoint = models.URLField(_("endpoint"), max_length=2000)
    key_p256dh = models.CharField(max_length=200)
    key_auth = models.CharField(max_length=100)
    alerts = models.JSONField(default=dict)  # {"mention": true, "follow": false, ...}: Mastodon's types, Essaim's
    policy = models.CharField(_("policy"), max_length=10, choices=Policy.choices, default=Policy.ALL)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        indexes = [models.Index(fields=["user"], name="push_subscription_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.endpoint[:60]}"
