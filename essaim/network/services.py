"""Writes for the network's own settings. Keyword-only, typed, atomic; permission first."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from essaim.access import Action, require
from essaim.access.roles import Actor
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.network.models import NetworkSettings
from essaim.network.selectors import network_settings_invalidate

# What a change of the network's settings records, from and to (the logo: only that it changed).
AUDITED_FIELDS = ("name", "accent_color", "signup_open", "signup_domains", "guests_allowed", "two_factor_required")


def _normalise_domains(raw: str) -> str:
    domains = [d.strip().lower().lstrip("@") for d in raw.replace(";", ",").replace(" ", ",").split(",")]
    return ", ".join(dict.fromkeys(d for d in domains if d))


@transaction.atomic
def network_settings_update(
    *,
    actor: Actor,
    name: str,
    accent_color: str,
    signup_open: bool,
    signup_domains: str,
    guests_allowed: bool,
    two_factor_required: str | None = None,
    logo: ContentFile[bytes] | None = None,
    remove_logo: bool = False,
) -> NetworkSettings:
    """Change the network's identity and sign-up policy; ``logo`` is an already cleaned image."""
    require(actor, Action.ADMINISTER_NETWORK)
    found = NetworkSettings.objects.select_for_update().filter(pk=1).first()
    settings_row = found if found is not None else NetworkSettings(pk=1)
    before = {field: getattr(settings_row, field) for field in AUDITED_FIELDS}
    settings_row.name = name.strip()
    settings_row.accent_color = accent_color.lower()
    settings_row.signup_open = signup_open
    settings_row.signup_domains = _normalise_domains(signup_domains)
    settings_row.guests_allowed = guests_allowed
    if two_factor_required is not None:
        settings_row.two_factor_required = two_factor_required
    if remove_logo:
        settings_row.logo.name = ""
    if logo is not None:
        settings_row.logo.save(logo.name or "logo.png", logo, save=False)
    settings_row.full_clean()
    settings_row.save()
    transaction.on_commit(network_settings_invalidate)
    changed = {
        f: [before[f], getattr(settings_row, f)] for f in AUDITED_FIELDS if before[f] != getattr(settings_row, f)
    }
    if logo is not None or remove_logo:
        changed["logo"] = ["…", "removed" if remove_logo and logo is None else "new"]
    record(AuditAction.NETWORK_SETTINGS_CHANGED, actor=actor, target=settings_row, changed=changed)
    return settings_row


@transaction.atomic
def network_rename(*, actor: Actor, name: str) -> NetworkSettings:
    """Give the network a new name (the demo data names it after its company)."""
    require(actor, Action.ADMINISTER_NETWORK)
    found = NetworkSettings.objects.select_for_update().filter(pk=1).first()
    settings_row = found if found is not None else NetworkSettings(pk=1)
    previous, settings_row.name = settings_row.name, name.strip()
    settings_row.full_clean()
    settings_row.save()
    transaction.on_commit(network_settings_invalidate)
    record(AuditAction.NETWORK_RENAMED, actor=actor, target=settings_row, previous=previous, name=settings_row.name)
    return settings_row
