from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

color_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour such as #2f6fde."))


def _default_signup_domains() -> str:
    return ", ".join(settings.SIGNUP_DOMAINS)


class TwoFactorPolicy(models.TextChoices):
    """Who must have a second factor (an authenticator app or a passkey) to use the network."""

    OPTIONAL = "optional", _("Nobody: two-factor authentication is optional")
    ROLES = "roles", _("People with a network role (administrators, communication team, compliance officers)")
    EVERYONE = "everyone", _("Everyone")


class NetworkSettings(models.Model):
    """One row: the network's identity and sign-up policy. Read it with ``selectors.network_settings()``."""

    name = models.CharField(_("network name"), max_length=80, default=settings.NETWORK_NAME)
    logo = models.ImageField(_("logo"), upload_to="network/", blank=True)
    accent_color = models.CharField(_("accent colour"), max_length=7, default="#2f5bd3", validators=[color_validator])
    signup_open = models.BooleanField(
        _("self sign-up open"),
        default=settings.SIGNUP_OPEN,
        help_text=_("When closed, people join only through an invitation."),
    )
    signup_domains = models.CharField(
        _("sign-up e-mail domains"),
        max_length=500,
        blank=True,
        default=_default_signup_domains,
        help_text=_("Comma-separated, e.g. example.com, example.fr. Empty means any domain."),
    )
    guests_allowed = models.BooleanField(_("external guests allowed"), default=True)
    two_factor_required = models.CharField(
        _("two-factor authentication required for"),
        max_length=10,
        choices=TwoFactorPolicy.choices,
        default=TwoFactorPolicy.OPTIONAL,
        help_text=_(
            "Those concerned who have no authenticator app or passkey yet are asked to set one up before anything else."
        ),
    )

    class Meta:
        verbose_name = _("network settings")
        verbose_name_plural = _("network settings")

    def __str__(self) -> str:
        return str(self.name)

    @property
    def signup_domain_list(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.signup_domains.split(",") if d.strip()]
