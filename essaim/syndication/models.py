"""A person's secret Atom key: the feeds of what they may read, for feed readers that cannot sign in.

One key per person (``AtomKey``), in every Atom address they copy (``/atom/<key>/…``); whoever holds it reads,
without signing in, what its person may read and nothing more. Revoked by deleting the row, changed by
replacing the token (every address made with the old one answers 404).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_atom_token() -> str:
    return secrets.token_urlsafe(32)


class AtomKey(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="atom_key", primary_key=True
    )
    token = models.CharField(max_length=64, unique=True, default=new_atom_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Atom key")
        verbose_name_plural = _("Atom keys")

    def __str__(self) -> str:
        return f"{self.user_id}"
