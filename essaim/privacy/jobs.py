"""The periodic job of personal data archives: forget those older than a week (``services.KEEP``)."""

from __future__ import annotations

from datetime import timedelta

from essaim.core.schedule import periodic
from essaim.privacy import services


@periodic("privacy.forget_archives", every=timedelta(hours=1))
def forget_archives() -> int:
    return services.data_exports_forget()
