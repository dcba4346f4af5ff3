from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from essaim.core.models import TimeStampedModel


def space_image_path(space: Space, filename: str) -> str:
    return f"spaces/{space.slug}/{filename}"


class Space(TimeStampedModel):
    """A community. Visibility: public (all employees), private (listed, members read), secret (members only).

    One level of sub-spaces: a sub-space's visibility is never wider than its parent's (services enforce it).
    """

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
    avatar = models.ImageField(_("avatar"), upload_to=space_image_path, blank=True)
    banner = models.ImageField(_("banner"), upload_to=space_image_path, blank=True)
    welcome = models.TextField(
        _("welcome text"), max_length=5000, blank=True, help_text=_("Shown on the space's page. Markdown is allowed.")
    )

    class PostApproval(models.TextChoices):
        """Whose posts wait for a moderator before others see them (``access.rules.spaces``: ``PUBLISH_DIRECTLY``)."""

        NONE = "none", _("Nobody's: posts appear at once")
        GUESTS = "guests", _("External guests' posts")
        NEWCOMERS = "newcomers", _("Posts by members who joined less than 30 days ago, and guests'")
        MEMBERS = "members", _("Every member's posts, but the moderators'")

    post_approval = models.CharField(
        _("posts waiting for approval"),
        max_length=10,
        choices=PostApproval,
        default=PostApproval.NONE,
        db_default=PostApproval.NONE,
    )
    include_subspace_posts = models.BooleanField(
        _("show sub-spaces' posts"),
        default=False,
        help_text=_("The space's stream also shows the posts of its sub-spaces that the reader may see."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ("name",)
        indexes = [models.Index(fields=["visibility", "search_key"], name="space_visibility_search")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("spaces:space-detail", kwargs={"slug": self.slug})

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ADMIN = "admin", _("Administrator")
        MODERATOR = "moderator", _("Moderator")
        MEMBER = "member", _("Member")
        READER = "reader", _("Read-only member")

    # Indexed by ``one_membership_per_space`` and ``membership_user_space``.
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_memberships", db_index=False
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    added_by_rule = models.ForeignKey(
        "AutoMembershipRule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("added by rule"),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="one_membership_per_space")]
        indexes = [
            models.Index(fields=["user", "space"], name="membership_user_space"),
            # A large space's few owners, administrators, moderators and readers (its page's member preview).
            models.Index(fields=["space", "role"], name="membership_space_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.space_id} ({self.role})"


class JoinRequest(models.Model):
    """A person asks to join a private space; a space administrator approves or refuses."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_join_requests")
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(_("response message"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["space", "user"], condition=Q(status="pending"), name="one_pending_join_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.space_id} ({self.status})"


class SpaceInvitation(models.Model):
    """An invitation into a space: a colleague (``user``) or an external guest (``email``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="space_invitations",
        verbose_name=_("person"),
    )
    email = models.EmailField(_("email address"), blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Membership.Role, default=Membership.Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("space invitation")
        verbose_name_plural = _("space invitations")
        ordering = ("-created_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""), name="space_invitation_user_or_email"
            ),
        ]
        indexes = [models.Index(fields=["email", "status"], name="space_invitation_email")]

    def __str__(self) -> str:
        return f"{self.user_id or self.email} → {self.space_id} ({self.status})"


class AutoMembershipRule(models.Model):
    """Everyone in ``department`` (everyone when empty) becomes a member of ``space``."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="auto_rules")
    department = models.ForeignKey(
        "people.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="space_rules",
        verbose_name=_("department"),
        help_text=_("Leave empty to add every employee."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("automatic membership rule")
        verbose_name_plural = _("automatic membership rules")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "department"], name="one_rule_per_space_department", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id or '*'} → {self.space_id}"


class SpacePin(models.Model):
    """A post of the space that its moderators keep on top of the space's stream."""

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="pins", db_index=False
    )  # ``space_pin_space``
    post = models.ForeignKey("stream.Post", on_delete=models.CASCADE, related_name="space_pins")
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pinned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pinned post")
        verbose_name_plural = _("pinned posts")
        ordering = ("-pinned_at",)
        constraints = [models.UniqueConstraint(fields=["post"], name="one_pin_per_post")]
        indexes = [models.Index(fields=["space", "-pinned_at"], name="space_pin_space")]

    def __str__(self) -> str:
        return f"{self.post_id} pinned in {self.space_id}"
