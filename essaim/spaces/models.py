from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from essaim.core.models import TimeStampedModel


class Space(TimeStampedModel):
    """A community. Visibility: public (all employees), private (listed, members read), secret (members only)."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")
        SECRET = "secret", _("Secret")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=140, unique=True)
    description = models.CharField(_("short description"), max_length=300, blank=True)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility, default=Visibility.PUBLIC)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("parent space")
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    search_key = models.CharField(max_length=200, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ADMIN = "admin", _("Administrator")
        MODERATOR = "moderator", _("Moderator")
        MEMBER = "member", _("Member")
        READER = "reader", _("Read-only member")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="one_membership_per_space")]
        indexes = [models.Index(fields=["user", "space"], name="membership_user_space")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.space_id} ({self.role})"
