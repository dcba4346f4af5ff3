from __future__ import annotations

import re
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from essaim.core.links import fast_reverse
from essaim.core.text import fold

HANDLE_PATTERN = r"[a-z0-9](?:[a-z0-9._-]{0,38}[a-z0-9])?"
handle_validator = RegexValidator(
    rf"^{HANDLE_PATTERN}$",
    _("Use 1 to 40 lower-case letters, digits, dots, dashes or underscores."),
)


def handle_from_name(first_name: str, last_name: str, email: str) -> str:
    """``"Éloïse", "Dupré"`` → ``"eloise.dupre"``; falls back to the e-mail's local part."""
    base = fold(f"{first_name}.{last_name}".strip(".")) or fold(email.split("@", maxsplit=1)[0])
    return re.sub(r"[^a-z0-9._-]+", "-", base).strip("._-")[:40] or "user"


SESSION_HASH_SALT = "essaim.accounts.models.User.session_auth_hash"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        email = self.normalize_email(email).lower()
        fields.setdefault(
            "handle",
            self.unique_handle(handle_from_name(fields.get("first_name", ""), fields.get("last_name", ""), email)),
        )
        user = self.model(email=email, **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True, is_network_admin=True)
        return self.create_user(email, password, **fields)

    def unique_handle(self, base: str) -> str:
        handle, n = base, 1
        while self.filter(handle=handle).exists():
            n += 1
            suffix = str(n)
            handle = f"{base[: 40 - len(suffix)]}{suffix}"
        return handle


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: an employee or an external guest."""

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        GUEST = "guest", _("External guest")
        # A feed's identity (essaim/feeds): the author of the posts a feed brings into a space. Never signs in
        # (inactive, no usable password), never listed; its posts are marked as a feed's wherever they show.
        FEED = "feed", _("Feed")
        # An integration's account (an incoming webhook's): it posts where it was let in, never signs in.
        BOT = "bot", _("Integration")

    class Theme(models.TextChoices):
        AUTO = "auto", _("Automatic, like your device")
        LIGHT = "light", _("Light")
        DARK = "dark", _("Dark")

    email = models.EmailField(_("email address"), unique=True)
    handle = models.CharField(
        _("handle"),
        max_length=40,
        unique=True,
        validators=[handle_validator],
        help_text=_("Used in mentions (@handle) and in your profile's address."),
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.EMPLOYEE)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("Django admin access"), default=False, help_text=_("May open the raw data administration.")
    )
    is_network_admin = models.BooleanField(_("network administrator"), default=False)
    is_communication_team = models.BooleanField(_("communication team"), default=False)
    is_compliance_officer = models.BooleanField(_("compliance officer"), default=False)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Leave empty to follow your browser."),
    )
    timezone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    # ``db_default`` too: rows written by code that predates a column (a rolling deploy, an older
    # migration state) still get one.
    theme = models.CharField(_("theme"), max_length=5, choices=Theme, default=Theme.AUTO, db_default=Theme.AUTO)
    date_joined = models.DateTimeField(_("date joined"), default=dj_timezone.now)
    # Set on each deactivation: sessions, password-reset links and personal tokens issued before it
    # stay dead after a reactivation (``services.user_deactivate``).
    credentials_revoked_at = models.DateTimeField(_("credentials revoked"), null=True, blank=True, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ("last_name", "first_name")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's HMAC of the password, and of the last revocation once there was one: a session
        signed in before a deactivation no longer verifies after the reactivation. (Sessions of
        people never deactivated keep Django's hash, so nobody is signed out by this.)"""
        if self.credentials_revoked_at is None:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]  # private in Django, absent from django-stubs
        return salted_hmac(
            SESSION_HASH_SALT,
            f"{self.password}:{self.credentials_revoked_at.timestamp()}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_guest(self) -> bool:
        return self.kind == self.Kind.GUEST

    @property
    def is_feed(self) -> bool:
        return self.kind == self.Kind.FEED

    def is_bot(self) -> bool:
        """An integration's account (an incoming webhook's): what it posts is marked as a tool's, not a person's."""
        return self.kind == self.Kind.BOT

    def get_absolute_url(self) -> str:
        return fast_reverse("people:profile", "handle", self.handle)


# The kinds of people one invites (integrations' accounts are made by their integration).
INVITABLE_KINDS = [(kind.value, kind.label) for kind in (User.Kind.EMPLOYEE, User.Kind.GUEST)]


class Invitation(models.Model):
    """An administrator's invitation by e-mail; its link lets the person set a password."""

    email = models.EmailField(_("email address"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=INVITABLE_KINDS, default=User.Kind.EMPLOYEE)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        db_default="",
        help_text=_("The invitation's and the new account's language; empty: the inviter's, then the browser's."),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.email

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > dj_timezone.now()


class InvitationBatch(models.Model):
    """A file of people to invite, kept between its preview and its confirmation.

    The text is stored here (never sent back by the browser) until the administrator confirms
    or leaves it; ``services.invitation_batch_create`` deletes the ones older than a day.
    """

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    text = models.TextField(_("content"))
    encoding = models.CharField(max_length=20, default="utf-8")
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation file")
        verbose_name_plural = _("invitation files")

    def __str__(self) -> str:
        return self.filename or str(self.pk)
