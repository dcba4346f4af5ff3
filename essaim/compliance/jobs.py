"""The periodic jobs of compliance: retention every hour; compliance exports forgotten after ``KEEP``."""

from __future__ import annotations

from datetime import timedelta

from essaim.compliance import retention, services
from essaim.core.schedule import periodic


@periodic("compliance.retention", every=timedelta(hours=1), lease=timedelta(minutes=30))
def apply_retention() -> int:
    return sum(applied.count for applied in retention.run())


@periodic("compliance.forget_exports", every=timedelta(hours=1))
def forget_exports() -> int:
    return services.compliance_exports_forget()
