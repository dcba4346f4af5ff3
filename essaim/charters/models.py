"""Usage charters: the network's, and a space's own, each a numbered series of published versions.

Its own app rather than a part of ``network`` or ``spaces``: one model serves both scopes (``space`` empty for
the network's), and the same acceptance, the same pending rule and the same export cover both; the network
and spaces apps only ask it whether someone has something to accept.

A version is never edited: a correction is a new version. ``requires_acceptance`` says whether it asks
everyone again (a new rule) or not (a typo): whoever accepted an earlier version on or after the last one that
required it has nothing pending. An acceptance is written once, by the person, and never changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Charter(models.Model):
    space = models.ForeignKey(
        "spaces.Space",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="charters",
        verbose_name=_("space"),
        help_text=_("Empty for the network's charter."),
    )
    version = models.PositiveIntegerField(_("version"))
    body_fr = models.TextField(_("text in French"), max_length=20000, blank=True)
    body_en = models.TextField(_("text in English"), max_length=20000, blank=True)
    requires_acceptance = models.BooleanField(_("everyone accepts it again"), default=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("usage charter")
        verbose_name_plural = _("usage charters")
        ordering = ("-version",)
        constraints = [
            models.UniqueConstraint(
                fields=["version"], condition=Q(space__isnull=True), name="charter_network_version_unique"
            ),
            models.UniqueConstraint(
                fields=["space", "version"], condition=Q(space__isnull=False), name="charter_space_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.space or _('Network')} · v{self.version}"

    def body(self, language: str | None = None) -> str:
        """The text in ``language`` (the active one by default), else in the other language."""
        french = (language or get_language() or "en").startswith("fr")
        first, second = (self.body_fr, self.body_en) if french else (self.body_en, self.body_fr)
        return first or second


class CharterAcceptance(models.Model):
    user = models.ForeignKey(  # indexed by ``charter_acceptance_unique``, which starts with it
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="charter_acceptances",
        verbose_name=_("person"),
        db_index=False,
    )
    charter = models.ForeignKey(
        Charter, on_delete=models.CASCADE, related_name="acceptances", verbose_name=_("usage charter")
    )
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)

    class Meta:
        verbose_name = _("charter acceptance")
        verbose_name_plural = _("charter acceptances")
        constraints = [models.UniqueConstraint(fields=["user", "charter"], name="charter_acceptance_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.charter_id} · {self.accepted_at:%Y-%m-%d %H:%M}"
