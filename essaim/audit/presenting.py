"""An entry's details in the reader's words: labels for the keys, names for the codes, "before → after".

The log stores codes (``"moderator"``, ``"secret"``, field names), which stay true whatever the language; the
viewer says them in the reader's language. A code it does not know is shown as it is.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from essaim.audit.models import AuditAction, AuditEntry
from essaim.compliance.models import RetentionPolicy
from essaim.people.models import ProfileField
from essaim.spaces.models import Membership, Space

KEYS = {
    "space": gettext_lazy("Space"),
    "previous": gettext_lazy("Before"),
    "role": gettext_lazy("Role"),
    "name": gettext_lazy("Name"),
    "kind": gettext_lazy("Kind"),
    "position": gettext_lazy("Position"),
    "format": gettext_lazy("Format"),
    "filters": gettext_lazy("Filters"),
    "size": gettext_lazy("Size"),
    "credentials_revoked": gettext_lazy("Sessions and API tokens revoked"),
    "version": gettext_lazy("Version"),
    "requires_acceptance": gettext_lazy("Everyone accepts it again"),
    "mode": gettext_lazy("What happens"),
    "days": gettext_lazy("After (days)"),
    "count": gettext_lazy("How many posts"),
    "before": gettext_lazy("Published before"),
    "reason": gettext_lazy("Reason"),
    "since": gettext_lazy("From"),
    "until": gettext_lazy("To"),
}
NETWORK_ROLES = {
    "network_admin": gettext_lazy("Network administrator"),
    "communication_team": gettext_lazy("Communication team"),
    "compliance_officer": gettext_lazy("Compliance officer"),
}
CODES: dict[str, Any] = {
    **dict(Membership.Role.choices),
    **dict(Space.Visibility.choices),
    **dict(ProfileField.Kind.choices),
    **dict(RetentionPolicy.Mode.choices),
    **NETWORK_ROLES,
}
# An action's name by its code. ``entry.get_action_display`` rebuilt a dict of every choice (each name translated
# to be hashed) for every entry: most of a page's time.
ACTIONS: dict[str, Any] = dict(AuditAction.choices)


def action_label(code: str) -> str:
    """An action's name in the reader's language (its code when the log holds one no longer known)."""
    return str(ACTIONS.get(code, code))


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return ", ".join(f"{key}={item}" for key, item in value.items())
    if value in (None, ""):
        return "—"
    return str(CODES.get(value, value)) if isinstance(value, str) else str(value)


def _field_label(entry: AuditEntry, name: str) -> str:
    try:
        field = apps.get_model(entry.target_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name
    return str(capfirst(getattr(field, "verbose_name", name)))


def details(entry: AuditEntry) -> list[tuple[str, str]]:
    """``(label, value)`` lines for ``entry``'s details; a change of settings gives one line per field changed."""
    lines: list[tuple[str, str]] = []
    for key, value in entry.details.items():
        if key == "changed" and isinstance(value, dict):
            for field, change in value.items():
                before, after = change if isinstance(change, list) and len(change) == 2 else ("", change)
                lines.append((_field_label(entry, field), f"{_value(before)} → {_value(after)}"))
        else:
            lines.append((str(KEYS.get(key, key)), _value(value)))
    return lines
