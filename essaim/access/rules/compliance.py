"""Retention, legal holds and compliance exports (``essaim.compliance``, docs/governance.md).

Network-wide rights (``rules/network.py``): network administrators set the retention policies
(``MANAGE_RETENTION``), the network's and each space's; network administrators and compliance officers place
and release legal holds (``SET_LEGAL_HOLD``); compliance officers ask for compliance exports
(``EXPORT_COMPLIANCE``). An export holds everything a person or a space wrote, closed spaces included: that is
how the compliance role reads what it must, rather than by browsing the spaces' pages, where it reads like any
employee (``rules/stream.py``, ``rules/spaces.py``).

A ``ComplianceExport`` is seen and downloaded (``VIEW``) by the compliance officer who asked for it, while they
are one; nobody else, network administrators included. Legal holds and retention policies are rows of the
network administration: seen by whoever may change them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import can, register
from essaim.access.roles import Actor


class ComplianceExportPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return (
            action is Action.VIEW
            and obj is not None
            and roles.is_compliance_officer(actor)
            and obj.requested_by_id == actor.pk
        )

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(requested_by_id=actor.pk) if roles.is_compliance_officer(actor) else queryset.none()


class NetworkRowPolicy:
    """Rows that only those holding ``action`` across the network see and change."""

    def __init__(self, action: Action) -> None:
        self.action = action

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return action in {Action.VIEW, Action.EDIT} and can(actor, self.action)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if can(actor, self.action) else queryset.none()


register("compliance.ComplianceExport", ComplianceExportPolicy())
register("compliance.RetentionPolicy", NetworkRowPolicy(Action.MANAGE_RETENTION))
register("compliance.LegalHold", NetworkRowPolicy(Action.SET_LEGAL_HOLD))
register("compliance.PreservedContent", NetworkRowPolicy(Action.EXPORT_COMPLIANCE))
