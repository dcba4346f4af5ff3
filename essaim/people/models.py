from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from essaim.core.models import TimeStampedModel
from essaim.core.text import fold


class Department(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    folded = models.CharField(max_length=60, db_index=True, editable=False)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


def photo_path(profile: Profile, filename: str) -> str:
    return f"people/photos/{profile.user_id}/{filename}"


class Profile(TimeStampedModel):
    """What colleagues see about a person. One per user, created with the user."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("department"),
        db_index=False,  # ``profile_dept_sort``
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("site"),
        db_index=False,  # ``profile_site_sort``
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_report_profiles",
        verbose_name=_("manager"),
    )
    languages = models.CharField(_("languages"), max_length=200, blank=True, help_text=_("e.g. French, English"))
    skills = models.ManyToManyField(Skill, blank=True, related_name="profiles", verbose_name=_("skills"))
    bio = models.TextField(_("bio"), max_length=2000, blank=True)
    # The home page's checklist for newcomers: opened for accounts created through ``accounts.user_create``,
    # closed when dismissed or complete (``services.first_steps_close``). Read with the signed-in user
    # (``accounts.backends``): a closed checklist costs the home page nothing.
    first_steps_open = models.BooleanField(_("first steps shown"), default=False, db_default=False)
    # Folded "first last handle" for accent-insensitive prefix search; maintained by services.
    search_key = models.CharField(max_length=400, db_index=True, editable=False, default="")
    # Sort key for the directory: folded "last first".
    sort_key = models.CharField(max_length=310, editable=False, default="")  # indexed by ``profile_sort``

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        indexes = [
            models.Index(fields=["sort_key", "id"], name="profile_sort"),
            models.Index(fields=["department", "sort_key"], name="profile_dept_sort"),
            models.Index(fields=["site", "sort_key"], name="profile_site_sort"),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def refresh_keys(self) -> None:
        user = self.user
        self.search_key = fold(f"{user.first_name} {user.last_name} {user.handle}")
        self.sort_key = fold(f"{user.last_name} {user.first_name}")


class ProfileField(models.Model):
    """An extra profile field defined by administrators (text, choice or date)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CHOICE = "choice", _("Choice")
        DATE = "date", _("Date")

    label_fr = models.CharField(_("label (French)"), max_length=80)
    label_en = models.CharField(_("label (English)"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.TEXT)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One choice per line (choice fields only)."))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("profile field")
        verbose_name_plural = _("profile fields")
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The label in the active language (French or English)."""
        language = (get_language() or settings.LANGUAGE_CODE).lower()
        return (self.label_fr if language.startswith("fr") else self.label_en) or self.label_en or self.label_fr

    def clean(self) -> None:
        if self.kind == self.Kind.CHOICE and not self.choice_list:
            raise ValidationError({"choices": _("A choice field needs at least one choice, one per line.")})

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.splitlines() if c.strip()]


class ProfileFieldValue(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="field_values", db_index=False)
    field = models.ForeignKey(ProfileField, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(_("value"), max_length=500)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "field"], name="one_value_per_field")]

    def __str__(self) -> str:
        return self.value


class Follow(models.Model):
    """``follower`` follows ``followed``: their posts appear in the follower's home feed."""

    # Indexed by ``follow_once`` and ``follow_reverse``.
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_set", db_index=False
    )
    followed = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_set", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="follow_once"),
            models.CheckConstraint(condition=~Q(follower=models.F("followed")), name="no_self_follow"),
        ]
        indexes = [models.Index(fields=["followed", "follower"], name="follow_reverse")]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.followed_id}"
